/**
 * IPv4 CIDR arithmetic for network planning, on top of `ip-address` (parsing, bounds, BigInt maths).
 * Blocks are aligned (`cidrProblem` in stacks/config/network.ts refuses unaligned ones), so two
 * blocks overlap exactly when one contains the other's first address.
 */
import { Address4 } from "ip-address";

/** An aligned IPv4 block. */
export interface Block {
  /** CIDR text, e.g. `10.170.0.0/26`. */
  readonly cidr: string;
  /** Prefix length (the `/26`). */
  readonly prefixLength: number;
  /** First address as a number. */
  readonly start: bigint;
  /** Last address as a number. */
  readonly end: bigint;
}

export function block(cidr: string): Block {
  const address = new Address4(cidr);
  return { cidr, prefixLength: address.subnetMask, start: address.startAddress().bigInt(), end: address.endAddress().bigInt() };
}

/** Number of addresses in a block of this prefix length. */
export function addressCount(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

export function overlaps(a: Block, b: Block): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function contains(outer: Block, inner: Block): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function cidrAt(start: bigint, prefixLength: number): string {
  return `${Address4.fromBigInt(start).address}/${prefixLength}`;
}

/**
 * The first aligned block of `prefixLength` inside `space` that overlaps none of `taken`, or
 * undefined when the space is full (or too small for such a block).
 */
export function firstFreeBlock(space: Block, prefixLength: number, taken: readonly Block[]): Block | undefined {
  if (prefixLength < space.prefixLength || prefixLength > 32) return undefined;
  const size = BigInt(addressCount(prefixLength));
  for (let start = space.start; start + size - 1n <= space.end; start += size) {
    const candidate = block(cidrAt(start, prefixLength));
    if (!taken.some((used) => overlaps(used, candidate))) return candidate;
  }
  return undefined;
}

/** Smallest prefix length (largest number) whose block holds at least `addresses` addresses. */
export function prefixLengthFor(addresses: number): number {
  let length = 32;
  while (length > 0 && addressCount(length) < addresses) length -= 1;
  return length;
}
