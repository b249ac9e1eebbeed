import CoachStore
import Logging
import ServiceLifecycle

/// Several coachd instances on one shared store (PostgreSQL, issue 15), as lifecycle services.

/// Tries for the scheduler's lease every `scheduler.takeoverSeconds` (the holder checks its lock's
/// connection as often); gives it up on graceful shutdown, so another takes over at its next try.
struct SchedulerLeaseService: Service {
    let timer: DueTimer
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await timer.contendForLease()
                do { try await sleepOnEventLoop(interval) } catch { break }
            }
        }
        await timer.releaseLease()
    }
}

/// Hears what other instances committed (LISTEN/NOTIFY): drops the cached answers (`due.list`, the lead's view),
/// delivers their live events to this instance's subscribers, and lets the scheduler (when this
/// instance is it) look again for the next transition. After the listener reconnected, anything may
/// have changed: the same, and the event hub catches up from the last seq it delivered.
struct ChangeListenerService: Service {
    let store: any SharedStore
    let service: CoachService
    let logger: Logger

    func run() async throws {
        let notices = store.changeNotices()
        await cancelWhenGracefulShutdown {
            for await notice in notices {
                if case .resync = notice {
                    logger.notice("listening to other instances' changes again; caches dropped, events caught up")
                }
                service.dropCachedAnswers()
                service.events.poke()
                service.reportFacts.poke()
                await service.timer.otherInstanceChanged()
            }
        }
        store.stopListening()
    }
}
