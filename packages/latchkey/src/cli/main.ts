// Entry point of the `latchkey` command.
console.log('latchkey');
