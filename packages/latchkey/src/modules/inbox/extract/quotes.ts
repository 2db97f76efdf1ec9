// Removes quoted replies from plain text: `>` lines, "On … wrote:" attributions in many languages, and
// Outlook's "Original Message" and From:/Sent: header blocks. Forwarded mail is kept whole, because a
// forwarded verification mail is exactly what an agent (or the OTP relay) needs to read.

/** Only this many characters of a line are matched, so every pattern below runs in bounded time. */
const MAX_LINE = 400;

/**
 * Reply attributions: "On <date>, <name> wrote:" and its translations. Each pattern is anchored at both
 * ends with bounded gaps, so a line is matched in time linear in its (capped) length.
 */
const ATTRIBUTION: RegExp[] = [
  /^on\b.{1,300}\b(?:wrote|writes|said)\s?:?$/i, // en
  /^am\b.{1,300}\bschrieb\b.{0,120}:$/i, // de
  /^le\b.{1,300}\ba [ée]crit\s?:$/i, // fr
  /^el\b.{1,300}\bescribi[óo]\s?:$/i, // es
  /^em\b.{1,300}\bescreveu\s?:$/i, // pt
  /^op\b.{1,300}\bschreef\b.{0,120}:$/i, // nl
  /^il giorno\b.{1,300}\bha scritto\s?:$/i, // it
  /^il\b.{1,300}\bha scritto\s?:$/i, // it
  /^.{1,300}\s(?:пишет|написал|написала|написал\(а\))\s?:$/i, // ru (no \b: it is ASCII-only)
  /^.{1,300}<[^<>\s@]{1,64}@[^<>\s]{1,255}>\s?:$/, // Gmail's verb-less form (ru, uk, …): "<date>, Name <addr>:"
  /^.{1,300}(?:写道|寫道)\s?[:：]$/, // zh
  /^.{1,300}(?:のメッセージ|は書きました|wrote)\s?[:：]$/, // ja
  /^.{1,300}\s작성\s?[:：]$/, // ko
  /^.{1,300}\syazdı\s?:$/i, // tr
  /^.{1,300}\bkirjoitti\s?:$/i, // fi
  /^.{1,300}\bskrev\b.{0,120}:$/i, // sv, da, no
  /^.{1,300}\bnapisał(?:a|\(a\))?\s?:$/i, // pl
  /^.{1,300}كتب\s?[:：]$/, // ar
  /^.{1,300}ने लिखा\s?[:：]$/, // hi
];

/** Separator lines that Outlook and other clients put above the quoted original. */
const ORIGINAL_MESSAGE =
  /^-{2,}\s?(?:original message|ursprüngliche nachricht|originalnachricht|message d'origine|mensaje original|mensagem original|oorspronkelijk bericht|messaggio originale|исходное сообщение|原始邮件|原始郵件|元のメッセージ|원본 메시지|orijinal ileti|الرسالة الأصلية|मूल संदेश)\s?-{2,}$/i;

/** First line of an Outlook header block: "From:" in the client's language. */
const HEADER_FROM = /^\*?(?:from|von|de|van|da|от|发件人|寄件者|差出人|보낸 사람|kimden|من|प्रेषक)\s?\*?\s?[:：]/i;
/** A following header line: Sent/Date/To/Subject in the client's language. */
const HEADER_NEXT =
  /^\*?(?:sent|date|to|subject|gesendet|datum|an|betreff|envoyé|date|à|objet|enviado|fecha|para|asunto|assunto|verzonden|aan|onderwerp|inviato|data|a|oggetto|отправлено|дата|кому|тема|发送时间|日期|收件人|主题|送信日時|宛先|件名|보낸 날짜|받는 사람|제목|gönderildi|tarih|kime|konu|التاريخ|إلى|الموضوع|भेजा गया|प्रति|विषय)\s?\*?\s?[:：]/i;

/** Markers of a forwarded message, which must stay readable. */
const FORWARD_MARKER =
  /(?:forwarded message|begin forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|mensagem encaminhada|doorgestuurd bericht|messaggio inoltrato|пересылаемое сообщение|пересланное сообщение|转发的邮件|轉寄的郵件|転送されたメッセージ|転送メッセージ|전달된 메시지|iletilen ileti|رسالة مُعاد توجيهها|अग्रेषित संदेश)/i;

/** Subject prefixes that mean the mail is a forward. */
const FORWARD_SUBJECT = /^\s?(?:fwd?|wg|tr|rv|enc|doorst|i|vs|vb|pd|fw|转发|轉寄|転送|전달|ilt|ile)\s?[:：]/i;

/** True when the subject or the text says the message is a forward rather than a reply. */
export function looksForwarded(subject: string, text: string): boolean {
  return FORWARD_SUBJECT.test(subject.slice(0, 40)) || FORWARD_MARKER.test(text.slice(0, 64 * 1024));
}

function isQuoteStart(lines: string[], i: number): boolean {
  const line = (lines[i] ?? '').trim().slice(0, MAX_LINE);
  if (line === '') return false;
  if (ORIGINAL_MESSAGE.test(line)) return true;
  if (ATTRIBUTION.some((re) => re.test(line))) return true;
  // Gmail wraps long attributions: "On Mon, 3 Jun 2025 at 10:42, Alice <" / "alice@example.com> wrote:".
  const next = (lines[i + 1] ?? '').trim().slice(0, MAX_LINE);
  if (next !== '' && line.length < 200 && ATTRIBUTION.some((re) => re.test(`${line} ${next}`))) return true;
  if (HEADER_FROM.test(line)) {
    let seen = 0;
    for (let j = i + 1; j < Math.min(lines.length, i + 5); j++) {
      if (HEADER_NEXT.test((lines[j] ?? '').trim().slice(0, MAX_LINE))) seen++;
    }
    return seen >= 2;
  }
  return false;
}

function hasContent(lines: string[]): boolean {
  return lines.some((l) => l.trim() !== '' && !/^_{5,}$/.test(l.trim()));
}

/**
 * Offset where the quoted tail of `text` begins (an attribution, an "Original Message" line or an Outlook
 * header block), or `text.length` when there is none. Forwards are never cut, and neither is a message whose
 * only content is the quote.
 */
export function quoteCut(text: string, subject = ''): number {
  if (looksForwarded(subject, text)) return text.length;
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (isQuoteStart(lines, i)) return hasContent(lines.slice(0, i)) ? offset : text.length;
    offset += (lines[i] ?? '').length + 1;
  }
  return text.length;
}

/**
 * Returns `text` without its quoted part: the tail from `quoteCut` on, and lines starting with `>` (unless
 * they are all there is).
 */
export function stripQuotedText(text: string, subject = ''): string {
  const head = text.slice(0, quoteCut(text, subject));
  let lines = head.split('\n');
  const unquoted = lines.filter((l) => !/^\s{0,3}>/.test(l));
  if (hasContent(unquoted)) lines = unquoted;
  // Trailing underscore rules (Outlook puts one above its header block) and blank lines go with the quote.
  while (lines.length > 0 && /^\s*(?:_{5,})?\s*$/.test(lines[lines.length - 1] ?? '')) lines.pop();
  return lines.join('\n');
}
