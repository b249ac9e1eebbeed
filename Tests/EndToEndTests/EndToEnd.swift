import Testing

/// Every end-to-end suite nests here, so they run one test at a time. Each of their tests blocks a
/// thread of the test process while it waits on real processes and sockets; on a two-core machine
/// two at once would leave the in-process suites (whose servers run on the same thread pool) no
/// thread, and their read timeouts would fire.
@Suite("End to end", .serialized)
struct EndToEnd {}
