/// The open-connection bookkeeping: how many in total and per uid, and the next connection id.
/// Pure state, changed under the server's lock; tested without sockets.
struct ConnectionLimits: Sendable {
    /// What to do with a new connection.
    enum Admission: Equatable, Sendable {
        /// Serve it, under this id.
        case admit(id: UInt64)
        /// Tell it `Busy` and close it: the total limit is reached.
        case rejectTotal(id: UInt64)
        /// Tell it `Busy` and close it: this uid's limit is reached.
        case rejectPerUID(id: UInt64)
    }

    let maxTotal: Int
    let maxPerUID: Int
    private(set) var open = 0
    private(set) var openByUID: [UInt32: Int] = [:]
    private var lastID: UInt64 = 0

    init(maxTotal: Int, maxPerUID: Int) {
        self.maxTotal = maxTotal
        self.maxPerUID = maxPerUID
    }

    /// Decides on a new connection from `uid`, counting it when admitted.
    mutating func admit(uid: UInt32) -> Admission {
        lastID += 1
        if open >= maxTotal { return .rejectTotal(id: lastID) }
        if openByUID[uid, default: 0] >= maxPerUID { return .rejectPerUID(id: lastID) }
        open += 1
        openByUID[uid, default: 0] += 1
        return .admit(id: lastID)
    }

    /// An admitted connection from `uid` closed.
    mutating func release(uid: UInt32) {
        guard let count = openByUID[uid], open > 0 else { return }
        open -= 1
        openByUID[uid] = count > 1 ? count - 1 : nil
    }
}
