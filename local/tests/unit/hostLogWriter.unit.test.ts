import { batchedLineWriter } from '../../host/logWriter';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchedLineWriter', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    const out = batchedLineWriter((text) => writes.push(text));
    out.line('a');
    out.line('b');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    out.line('c');
    await nextTurn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when the buffer is full, and on flush()', async () => {
    const writes: string[] = [];
    const out = batchedLineWriter((text) => writes.push(text), 10);
    out.line('12345');
    out.line('67890'); // 12 characters with the newlines: over the limit
    expect(writes).toEqual(['12345\n67890\n']);
    out.line('x');
    out.flush();
    expect(writes).toEqual(['12345\n67890\n', 'x\n']);
    out.flush();
    await nextTurn();
    expect(writes).toHaveLength(2);
  });

  it('flushes what waits when the process exits', () => {
    const writes: string[] = [];
    const out = batchedLineWriter((text) => writes.push(text));
    out.line('last words');
    process.emit('exit', 0);
    expect(writes).toEqual(['last words\n']);
  });
});
