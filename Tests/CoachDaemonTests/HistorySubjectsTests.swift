import CoachStore
import Testing

@testable import CoachDaemon

/// `coachd --migrate-to-postgresql --renumber` (issue 15) follows `history.subject` to the table its
/// kind names (`SchemaReferences.historySubjects`); a kind it does not know is refused at the move.
/// A journal event added without saying what its history row's subject is makes this fail.
@Suite("The move's description of history subjects")
struct HistorySubjectsTests {
    /// Events only logged, never written to the history (the due timer's, the daemon's own, an
    /// export, a refusal): their rows never reach a move.
    static let journalOnly: Set<JournalEvent> = [
        .daemonStarted, .daemonReloaded, .daemonReloadFailed, .daemonStopping, .daemonFailed, .dropInDue,
        .dropInOverdue, .followUpDue, .followUpOverdue, .requestDenied, .storeError, .clockChanged,
        .schedulerTaken, .schedulerLost, .personExported, .sessionDue, .sessionOverdue, .supervisionDue,
        .supervisionOverdue,
    ]

    @Test func everyJournalEvent_hasItsHistorySubjectDescribed_orIsOnlyLogged() {
        for event in JournalEvent.allCases {
            let described = SchemaReferences.historySubjects[event.rawValue] != nil
            #expect(
                described != Self.journalOnly.contains(event),
                """
                \(event.rawValue): name the table its history subject is an id of in \
                SchemaReferences.historySubjects (nil for none), or list it here as only logged
                """)
        }
        let events = Set(JournalEvent.allCases.map(\.rawValue))
        #expect(Set(SchemaReferences.historySubjects.keys).subtracting(events).isEmpty)
    }
}
