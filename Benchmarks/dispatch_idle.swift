// B8's reference: the wake-ups a Swift program on Linux has while idle, whatever it does.
// One job on Swift's global executor starts a Dispatch worker thread (as in every program that
// uses Swift concurrency); from then on libdispatch's pool monitor (a 1 s timer on its manager
// thread, `_dispatch_workq_monitor_pools` in src/event/workqueue.c) fires once a second, forever.
//
//   swiftc -O Benchmarks/dispatch_idle.swift -o /tmp/dispatch_idle && /tmp/dispatch_idle &
//   sleep 8; grep ctxt /proc/$!/task/*/status     # again 30 s later: +30, on "-qos.overcommit"
import Foundation

Task {}
sleep(40)
