// Parses a relay filter pattern and compiles it to a Thompson-NFA program (see pattern-vm.ts).
import {
  type CharMatcher,
  charMatcher,
  complement,
  DIGIT,
  DOT,
  normalise,
  type Ranges,
  SPACE,
  WORD,
} from './pattern-charset.js';
import { Assertion, Op, type Program } from './pattern-vm.js';

/** Thrown for a filter the server will not run; `details[0].path` is `filter.pattern` or `filter.from`. */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
  readonly code = 'INVALID_FILTER';
  readonly details: { path: string; message: string }[];

  constructor(path: string, message: string) {
    super(message);
    this.details = [{ path, message }];
  }
}

/** Longest pattern or glob accepted, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 256;
/** Largest compiled program; bounded repeats count once per copy. */
export const MAX_PROGRAM_SIZE = 2_000;
/** Largest count in `{m}` / `{m,n}`. */
export const MAX_REPEAT = 1_000;

/** Request fields the errors name. */
export const PATTERN_PATH = 'filter.pattern';
export const GLOB_PATH = 'filter.from';

type Node =
  | { kind: 'empty' }
  | { kind: 'set'; ranges: Ranges; negated: boolean }
  | { kind: 'assert'; assertion: number }
  | { kind: 'concat'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/** Parses `pattern` and compiles it, throwing {@link FilterPatternError} for anything outside the subset or limits. */
export function compileProgram(pattern: string, caseInsensitive: boolean): Program {
  return emitProgram(new Parser(pattern).parse(), caseInsensitive);
}

/** Recursive-descent parser for the supported subset; every refusal names the offending construct and offset. */
class Parser {
  private index = 0;

  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.index < this.source.length) this.fail('has an unmatched )');
    return node;
  }

  private alternation(): Node {
    const options = [this.concatenation()];
    while (this.peek() === '|') {
      this.index += 1;
      options.push(this.concatenation());
    }
    return options.length === 1 ? (options[0] ?? EMPTY) : { kind: 'alt', options };
  }

  private concatenation(): Node {
    const items: Node[] = [];
    while (this.index < this.source.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.quantified());
    return items.length === 1 ? (items[0] ?? EMPTY) : { kind: 'concat', items };
  }

  private quantified(): Node {
    const atom = this.atom();
    const quantifier = this.quantifier();
    if (!quantifier) return atom;
    if (atom.kind === 'assert') this.fail('repeats an anchor or word boundary, which has nothing to repeat');
    if (this.peek() === '?') this.index += 1; // lazy: irrelevant when only asking whether a match exists
    if (this.quantifier()) this.fail('has two quantifiers in a row');
    return { kind: 'repeat', node: atom, ...quantifier };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.index += 1;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    const braces = this.braces();
    if (!braces) return undefined;
    this.index += braces.length;
    return braces;
  }

  /** A `{m}`, `{m,}` or `{m,n}` at the cursor; anything else starting with `{` is a literal brace, as in JavaScript. */
  private braces(): { min: number; max: number; length: number } | undefined {
    const found = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.index));
    if (!found) return undefined;
    const min = Number(found[1]);
    const max = found[2] === undefined ? min : found[3] ? Number(found[3]) : Number.POSITIVE_INFINITY;
    if (min > MAX_REPEAT || (Number.isFinite(max) && max > MAX_REPEAT)) {
      this.fail(`repeats more than ${MAX_REPEAT} times`);
    }
    if (max < min) this.fail('has a {m,n} repeat with n smaller than m');
    return { min, max, length: found[0].length };
  }

  private atom(): Node {
    const c = this.next();
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.characterClass();
      case '.':
        return set(DOT);
      case '^':
        return { kind: 'assert', assertion: Assertion.Start };
      case '$':
        return { kind: 'assert', assertion: Assertion.End };
      case '\\':
        return this.escape(false);
      case '*':
      case '+':
      case '?':
        return this.fail(`has ${c} with nothing to repeat`, -1);
      case '{':
        this.index -= 1;
        if (this.braces()) this.fail('has a {…} repeat with nothing to repeat');
        this.index += 1;
        return literal(c);
      default:
        return literal(c);
    }
  }

  private group(): Node {
    if (this.peek() === '?') {
      if (this.source.startsWith('?:', this.index)) {
        this.index += 2;
      } else {
        const what = /^\?<?[=!]/.test(this.source.slice(this.index)) ? 'lookaround' : 'named or special groups';
        this.fail(`uses ${what}, which is not supported`);
      }
    }
    const inner = this.alternation();
    if (this.next() !== ')') this.fail('has an unclosed (');
    // Wrapped so that a group holding only an anchor, like (^)*, may be repeated as JavaScript allows.
    return { kind: 'concat', items: [inner] };
  }

  private characterClass(): Node {
    const negated = this.peek() === '^';
    if (negated) this.index += 1;
    const ranges: number[] = [];
    while (this.peek() !== ']') {
      if (this.index >= this.source.length) this.fail('has an unclosed [');
      const low = this.classAtom();
      if (this.peek() === '-' && this.source[this.index + 1] !== ']' && this.index + 1 < this.source.length) {
        this.index += 1;
        const high = this.classAtom();
        if (typeof low !== 'number' || typeof high !== 'number') this.fail('has a range with a class escape as an end');
        if (high < low) this.fail('has a character range out of order');
        ranges.push(low, high);
      } else if (typeof low === 'number') {
        ranges.push(low, low);
      } else {
        ranges.push(...low);
      }
    }
    this.index += 1;
    return { kind: 'set', ranges: normalise(ranges), negated };
  }

  /** One class member: a code unit, or the ranges of a class escape like `\d`. */
  private classAtom(): number | Ranges {
    const c = this.next();
    if (c !== '\\') return c.charCodeAt(0);
    if (this.peek() === 'b') {
      this.index += 1;
      return 0x08; // inside a class, \b is backspace
    }
    if (this.peek() === '-') {
      this.index += 1;
      return 0x2d;
    }
    const node = this.escape(true);
    if (node.kind !== 'set') return this.fail('has an escape that cannot appear in a class');
    return node.negated ? complement(node.ranges) : node.ranges;
  }

  private escape(inClass: boolean): Node {
    const c = this.next();
    if (c === '') this.fail('ends with a lone backslash');
    const classEscape = CLASS_ESCAPES[c];
    if (classEscape) return { kind: 'set', ranges: classEscape, negated: c === c.toUpperCase() };
    if (!inClass && (c === 'b' || c === 'B')) {
      return { kind: 'assert', assertion: c === 'b' ? Assertion.WordBoundary : Assertion.NotWordBoundary };
    }
    const control = CONTROL_ESCAPES[c];
    if (control !== undefined) return literalUnit(control);
    if (c === '0') {
      if (/\d/.test(this.peek())) this.fail('uses an octal escape, which is not supported');
      return literalUnit(0);
    }
    if (/[1-9]/.test(c)) return this.fail('uses a backreference, which is not supported', -2);
    if (c === 'x' || c === 'u') {
      const digits = c === 'x' ? 2 : 4;
      const hex = this.source.slice(this.index, this.index + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) this.fail(`has \\${c} without ${digits} hex digits`, -2);
      this.index += digits;
      return literalUnit(Number.parseInt(hex, 16));
    }
    if (c === 'c') {
      const letter = this.peek();
      if (!/^[A-Za-z]$/.test(letter)) this.fail('has \\c without a control letter', -2);
      this.index += 1;
      return literalUnit(letter.charCodeAt(0) % 32);
    }
    if (c === 'k') return this.fail('uses a named backreference, which is not supported', -2);
    if (/[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) < 0x20) {
      return this.fail(`has the unknown escape \\${c}`, -2);
    }
    return literal(c); // escaped punctuation, space or any other symbol stands for itself
  }

  private peek(): string {
    return this.source[this.index] ?? '';
  }

  private next(): string {
    const c = this.source[this.index] ?? '';
    this.index += 1;
    return c;
  }

  private fail(message: string, offset = 0): never {
    const at = Math.max(0, Math.min(this.index + offset, this.source.length));
    throw new FilterPatternError(PATTERN_PATH, `filter.pattern ${message} (at offset ${at})`);
  }
}

const EMPTY: Node = { kind: 'empty' };
const CLASS_ESCAPES: Partial<Record<string, Ranges>> = { d: DIGIT, D: DIGIT, w: WORD, W: WORD, s: SPACE, S: SPACE };
const CONTROL_ESCAPES: Partial<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

function set(ranges: Ranges, negated = false): Node {
  return { kind: 'set', ranges, negated };
}

function literal(c: string): Node {
  return literalUnit(c.charCodeAt(0));
}

function literalUnit(unit: number): Node {
  return set([unit, unit]);
}

/** Thompson construction into flat arrays; bounded repeats are copied, so the size check runs as copies are made. */
function emitProgram(root: Node, caseInsensitive: boolean): Program {
  const op: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const matchers: CharMatcher[] = [];
  const matcherIndex = new Map<Node, number>();

  const push = (code: number, a = 0, b = 0): number => {
    if (op.length >= MAX_PROGRAM_SIZE) {
      throw new FilterPatternError(PATTERN_PATH, `filter.pattern compiles to more than ${MAX_PROGRAM_SIZE} steps`);
    }
    op.push(code);
    x.push(a);
    y.push(b);
    return op.length - 1;
  };

  const emit = (node: Node): void => {
    switch (node.kind) {
      case 'empty':
        return;
      case 'set': {
        let index = matcherIndex.get(node);
        if (index === undefined) {
          index = matchers.push(charMatcher(node.ranges, node.negated, caseInsensitive)) - 1;
          matcherIndex.set(node, index);
        }
        push(Op.Char, index);
        return;
      }
      case 'assert':
        push(Op.Assert, node.assertion);
        return;
      case 'concat':
        for (const item of node.items) emit(item);
        return;
      case 'alt': {
        const exits: number[] = [];
        node.options.forEach((option, i) => {
          if (i === node.options.length - 1) {
            emit(option);
            return;
          }
          const split = push(Op.Split);
          x[split] = op.length;
          emit(option);
          exits.push(push(Op.Jump));
          y[split] = op.length;
        });
        for (const exit of exits) x[exit] = op.length;
        return;
      }
      case 'repeat': {
        for (let i = 0; i < node.min; i++) emit(node.node);
        if (node.max === Number.POSITIVE_INFINITY) {
          const loop = push(Op.Split);
          x[loop] = op.length;
          emit(node.node);
          push(Op.Jump, loop);
          y[loop] = op.length;
          return;
        }
        const exits: number[] = [];
        for (let i = node.min; i < node.max; i++) {
          const split = push(Op.Split);
          x[split] = op.length;
          exits.push(split);
          emit(node.node);
        }
        for (const exit of exits) y[exit] = op.length;
        return;
      }
    }
  };

  emit(root);
  push(Op.Match);
  return { op: Uint8Array.from(op), x: Int32Array.from(x), y: Int32Array.from(y), matchers };
}
