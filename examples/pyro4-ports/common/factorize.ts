/**
 * The prime factorization the distributed-computing examples' workers do (Pyro4's versions search
 * candidates one by one too; any correct method prints the same factors).
 */

/** The prime factors of n, smallest first. */
export function primeFactors(n: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; candidate * candidate <= n; candidate++) {
    while (n % candidate === 0) {
      primes.push(candidate);
      n /= candidate;
    }
  }
  if (n > 1) primes.push(n);
  return primes;
}
