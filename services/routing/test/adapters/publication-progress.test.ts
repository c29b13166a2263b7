// What an owner may record as published: only the unbroken prefix of operations whose events are all stored, even
// when acks come back out of order or one never comes.
import { describe, expect, it } from 'vitest';
import { PublicationProgress } from '../../src/adapters/publication-progress.js';

describe('publication progress', () => {
  it('advances over the stored prefix only, whatever order the acks arrive in', () => {
    const progress = new PublicationProgress(10);
    for (const sequence of [11, 12, 13, 14]) progress.sent(sequence);
    progress.markStored(12);
    progress.markStored(14);
    expect(progress.publishedThrough).toBe(10); // 11 is not stored yet
    progress.markStored(11);
    expect(progress.publishedThrough).toBe(12); // 13 is still missing
    progress.markStored(13);
    expect(progress.publishedThrough).toBe(14);
  });

  it('lets a snapshot wait until everything up to it is stored, and never past a publication that failed', async () => {
    const progress = new PublicationProgress();
    for (const sequence of [1, 2, 3]) progress.sent(sequence);
    const ready: number[] = [];
    void progress.whenThrough(2).then(() => ready.push(2));
    void progress.whenThrough(3).then(() => ready.push(3));
    progress.markStored(2);
    await Promise.resolve();
    expect(ready).toEqual([]);
    progress.markStored(1); // 3 never stored: its publication failed
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ready).toEqual([2]);
    expect(progress.publishedThrough).toBe(2);
    await expect(progress.whenThrough(0)).resolves.toBeUndefined();
  });
});
