public import Foundation

/// A due item crossing one of its two thresholds.
public struct Transition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case due, overdue
    }

    public var kind: Kind
    public var item: DueItem
    /// When it was meant to happen (earlier than now when caught up after downtime).
    public var at: Date

    public init(kind: Kind, item: DueItem, at: Date) {
        self.kind = kind
        self.item = item
        self.at = at
    }

    /// A stable identity, recorded once raised so it is never raised twice.
    public var key: String { "\(item.key)/\(kind.rawValue)" }
}

/// Holds every pair's next due item and yields the transitions that have come, soonest first.
/// The daemon sleeps until `nextWake`, then calls `fire(now:)`; no polling, and time is passed in.
public struct DueScheduler: Sendable {
    private var items: [Int64: DueItem] = [:]
    private var raised: Set<String> = []
    private var heap = MinHeap<Entry>()

    struct Entry: Comparable, Sendable {
        var at: Date
        var pair: Int64
        var key: String
        var kind: Transition.Kind
        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.at, lhs.pair) < (rhs.at, rhs.pair) }
    }

    public init() {}

    /// The current item of every pair.
    public var allItems: Dictionary<Int64, DueItem>.Values { items.values }

    /// The number of pairs with a due item.
    public var count: Int { items.count }

    /// The item for a pair.
    public func item(for pair: Int64) -> DueItem? { items[pair] }

    /// Marks transitions as already raised (loaded from the store at start).
    public mutating func markRaised(_ keys: some Sequence<String>) { raised.formUnion(keys) }

    /// Replaces a pair's item (nil removes it). Transitions of the old item are dropped lazily.
    public mutating func update(pair: Int64, item: DueItem?) {
        guard items[pair] != item else { return }
        items[pair] = item
        guard let item else { return }
        for (kind, at) in [(Transition.Kind.due, item.dueAt), (.overdue, item.overdueAt)] {
            let key = Transition(kind: kind, item: item, at: at).key
            if !raised.contains(key) { heap.push(Entry(at: at, pair: pair, key: key, kind: kind)) }
        }
        // Stale entries are skipped at fire time; rebuild now and then so they cannot pile up.
        if heap.count > 4 * items.count + 64 { rebuild() }
    }

    /// When the next transition falls, if any.
    public mutating func nextWake() -> Date? {
        while let top = heap.peek {
            if isCurrent(top) { return top.at }
            _ = heap.pop()
        }
        return nil
    }

    /// Every transition at or before `now` not yet raised, soonest first; each is raised once.
    public mutating func fire(now: Date) -> [Transition] {
        var out: [Transition] = []
        while let top = heap.peek, top.at <= now {
            _ = heap.pop()
            guard isCurrent(top), let item = items[top.pair] else { continue }
            raised.insert(top.key)
            out.append(Transition(kind: top.kind, item: item, at: top.at))
        }
        return out
    }

    /// Forgets raised keys that no longer belong to any current item (keeps memory bounded).
    public mutating func compactRaised() {
        let live = Set(items.values.flatMap { [$0.key + "/due", $0.key + "/overdue"] })
        raised.formIntersection(live)
    }

    private func isCurrent(_ entry: Entry) -> Bool {
        guard let item = items[entry.pair], !raised.contains(entry.key) else { return false }
        return entry.key.hasPrefix(item.key + "/")
    }

    private mutating func rebuild() {
        var fresh = MinHeap<Entry>()
        for (pair, item) in items {
            for (kind, at) in [(Transition.Kind.due, item.dueAt), (.overdue, item.overdueAt)] {
                let key = Transition(kind: kind, item: item, at: at).key
                if !raised.contains(key) { fresh.push(Entry(at: at, pair: pair, key: key, kind: kind)) }
            }
        }
        heap = fresh
    }
}

/// A binary min-heap.
struct MinHeap<Element: Comparable & Sendable>: Sendable {
    private var storage: [Element] = []

    var count: Int { storage.count }
    var peek: Element? { storage.first }

    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < storage.count, storage[left] < storage[smallest] { smallest = left }
            if right < storage.count, storage[right] < storage[smallest] { smallest = right }
            if smallest == parent { break }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
