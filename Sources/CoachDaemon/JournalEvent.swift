/// Every event coachd raises, with its journal MESSAGE_ID. `systemd/coachd.catalog` explains each
/// id for `journalctl -x`; a test keeps the two in step. Ids never change once shipped.
public enum JournalEvent: String, CaseIterable, Sendable {
    case daemonStarted = "daemon.started"
    case daemonReloaded = "daemon.reloaded"
    case daemonReloadFailed = "daemon.reload_failed"
    case daemonStopping = "daemon.stopping"
    case daemonFailed = "daemon.failed"
    case dropInDue = "dropin.due"
    case dropInOverdue = "dropin.overdue"
    case followUpDue = "followup.due"
    case followUpOverdue = "followup.overdue"
    case cycleStarted = "cycle.started"
    case dropInScheduled = "dropin.scheduled"
    case dropInCompleted = "dropin.completed"
    case followUpCompleted = "followup.completed"
    case adaptationSet = "adaptation.set"
    case adaptationClosed = "adaptation.closed"
    case requestDenied = "request.denied"
    case storeError = "store.error"
    case clockChanged = "clock.changed"
    case schoolAdded = "school.added"
    case personAdded = "person.added"
    case pairCreated = "pair.created"
    case closureAdded = "calendar.closure_added"
    case termAdded = "calendar.term_added"

    /// The 128-bit MESSAGE_ID, as 32 hex digits.
    public var messageID: String {
        switch self {
        case .daemonStarted: "233b97726e8644f0b80d3a11c3d851aa"
        case .daemonReloaded: "684b593cf9cb4936a6c1ba96096573c7"
        case .daemonReloadFailed: "5283942e41894177b3a49f9437fb81c6"
        case .daemonStopping: "0881648e34a644d2997c676e47691750"
        case .daemonFailed: "4cfaa740e4df4577af353412756b91ae"
        case .dropInDue: "aee1031c831f49faaec199b16a7bb277"
        case .dropInOverdue: "9f2736ca92084c7e863c6bd0331ce00b"
        case .followUpDue: "a52fb13269b64e2fb706e3b394b5ba6b"
        case .followUpOverdue: "84ff6230bc594e2584c7a82f4b2d358c"
        case .cycleStarted: "8e7d8a98312147df95753b5e803b453b"
        case .dropInScheduled: "136b8b597d2e41e59c3f5081cf0e6d13"
        case .dropInCompleted: "5c48ba7b3e864c47a5cfbcf0758a2038"
        case .followUpCompleted: "1932ab9b0e9b4fff89239515db9529c8"
        case .adaptationSet: "9d6ff4e7b89c4221818e0d22d57fafb0"
        case .adaptationClosed: "b7fe88c783d2414ba60316ee50fd3550"
        case .requestDenied: "c388de372a5a44838c8741a978529fba"
        case .storeError: "1754ecb5134b406d95bb4299886becb3"
        case .clockChanged: "21512745586846258dcd2f0c71c7aadc"
        case .schoolAdded: "e3e150a05bf54e28bf230cd2d7d2565d"
        case .personAdded: "5ecd9fef68084889b20d2f87d95e80a5"
        case .pairCreated: "9406f86bdc324d93b9e89a672d69a6d7"
        case .closureAdded: "468490063ccf4a499d2bdc5c81785a98"
        case .termAdded: "813997885ca94f83a63be2dc19728b3d"
        }
    }

    /// Event name → MESSAGE_ID, for the journal log handler.
    public static let messageIDs: [String: String] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.messageID) })
}
