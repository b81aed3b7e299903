// Limits of the API's HTTP transport that its clients (console, CLI) must follow too.

/**
 * Most procedure calls one tRPC HTTP batch may carry. The API refuses a larger batch outright (so
 * one request cannot carry hundreds of password hashes); the clients split their batches at it.
 */
export const MAX_BATCH_CALLS = 10
