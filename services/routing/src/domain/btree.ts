// sorted-btree is a CommonJS package: Node's ES module loader hands over module.exports (the class is its
// `default`), while Vitest's interop hands over the class itself. Accept both.
import sortedBtree from 'sorted-btree';

type BTreeClass = typeof sortedBtree.default;

export const BTree: BTreeClass = (typeof sortedBtree === 'function' ? sortedBtree : sortedBtree.default) as BTreeClass;
