/**
 * What the suites, the bench and the examples share (not part of pyrots): child processes,
 * loopback ports, the Python Pyro4 peer, throwaway etcd clusters, assertions on failures.
 */
export * from "./process.js";
export * from "./ports.js";
export * from "./python.js";
export * from "./etcd-cluster.js";
export * from "./wait.js";
export * from "./outcome.js";
