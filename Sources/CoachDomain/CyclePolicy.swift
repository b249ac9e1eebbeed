/// The tunable numbers of the micro-cycle; every one comes from the configuration file.
public struct CyclePolicy: Sendable, Hashable {
    /// Longest drop-in, in minutes (DESIGN: at most 15).
    public var maxDropInMinutes: Int = 15
    /// A drop-in's length when none is given.
    public var defaultDropInMinutes: Int = 15
    /// The follow-up is due within this many school days of its drop-in.
    public var followUpSchoolDays: Int = 2
    /// The default practice window for an adaptation, in school days.
    public var practiseSchoolDays: Int = 5
    /// Longest practice window accepted, in school days.
    public var maxPractiseSchoolDays: Int = 40
    /// An item becomes overdue at the end of the school day this many school days after it fell due.
    public var graceSchoolDays: Int = 0
    /// How far ahead a drop-in may be booked, in calendar days (about a year): a typo such as
    /// 9999-12-31 is refused instead of stalling the pair for good.
    public var startHorizonDays: Int = 365

    public init() {}
}

extension CyclePolicy {
    /// What the due calculation depends on, as text: persisted due items computed under another
    /// fingerprint are recomputed. Bump the version when `DueCalculator` changes its rules.
    public var dueFingerprint: String {
        "due-v1 followUp=\(followUpSchoolDays) practise=\(practiseSchoolDays) grace=\(graceSchoolDays)"
    }
}
