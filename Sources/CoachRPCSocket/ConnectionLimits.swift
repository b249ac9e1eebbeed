/// The open-connection bookkeeping: how many in total and per uid, the slots kept for admins, and
/// the next connection id. Pure state, changed under the server's lock; tested without sockets.
///
/// Everyone shares `maxTotal` slots, at most `maxPerUID` each. `reservedForAdmins` more exist that
/// only admins (root, the daemon's user, the admin group) may take, and only once the shared slots
/// or their own per-uid share are used up: a flood from other users, or from a script running as
/// root, cannot keep an operator from `coachctl daemon status` or `backup`.
struct ConnectionLimits: Sendable {
    /// What to do with a new connection.
    enum Admission: Equatable, Sendable {
        /// Serve it, under this id; `reserved` when it holds one of the admins' slots.
        case admit(id: UInt64, reserved: Bool)
        /// Tell it `Busy` and close it: the total limit is reached.
        case rejectTotal(id: UInt64)
        /// Tell it `Busy` and close it: this uid's limit is reached.
        case rejectPerUID(id: UInt64)
    }

    let maxTotal: Int
    let maxPerUID: Int
    let reservedForAdmins: Int
    /// Every open connection, in shared and reserved slots.
    private(set) var open = 0
    /// Open connections in the admins' reserved slots.
    private(set) var openReserved = 0
    private(set) var openByUID: [UInt32: Int] = [:]
    private var lastID: UInt64 = 0

    init(maxTotal: Int, maxPerUID: Int, reservedForAdmins: Int = 0) {
        self.maxTotal = maxTotal
        self.maxPerUID = maxPerUID
        self.reservedForAdmins = reservedForAdmins
    }

    /// Decides on a new connection from `uid`, counting it when admitted.
    mutating func admit(uid: UInt32, isAdmin: Bool = false) -> Admission {
        lastID += 1
        let sharedFull = open - openReserved >= maxTotal
        let uidFull = openByUID[uid, default: 0] >= maxPerUID
        let reserved: Bool
        if !sharedFull && !uidFull {
            reserved = false
        } else if isAdmin && openReserved < reservedForAdmins {
            reserved = true
        } else {
            return sharedFull ? .rejectTotal(id: lastID) : .rejectPerUID(id: lastID)
        }
        open += 1
        if reserved { openReserved += 1 }
        openByUID[uid, default: 0] += 1
        return .admit(id: lastID, reserved: reserved)
    }

    /// An admitted connection from `uid` closed; `reserved` as it was admitted.
    mutating func release(uid: UInt32, reserved: Bool = false) {
        guard let count = openByUID[uid], open > 0 else { return }
        open -= 1
        if reserved, openReserved > 0 { openReserved -= 1 }
        openByUID[uid] = count > 1 ? count - 1 : nil
    }
}
