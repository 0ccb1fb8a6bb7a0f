// jemalloc's compiled-in options for the executables that link it (STARTALES_JEMALLOC).
// jemalloc reads this symbol once, at its first allocation; MALLOC_CONF in the environment
// still overrides it.
//
// background_thread: return unused pages to the kernel from jemalloc's own thread. Without
// it the threads that free memory also purge it, and the pages they purge are faulted back
// in and zeroed by the next tick's views and deltas: at 10,000 players that was ~8 % of the
// server's CPU samples in the kernel's clear_page, 0.07 % with it (docs/benchmarks.md).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "background_thread:true";
}
