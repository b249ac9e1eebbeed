/// A head the pairing may place: their id, name and their school's region.
public struct PairingHead: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var region: Int64

    public init(id: Int64, name: String, region: Int64) {
        self.id = id
        self.name = name
        self.region = region
    }
}

/// Two heads, in either order: a previous partnership.
public struct Partners: Sendable, Hashable {
    public let low: Int64
    public let high: Int64

    public init(_ a: Int64, _ b: Int64) {
        low = min(a, b)
        high = max(a, b)
    }
}

/// A proposed pair, or a group of three when `c` is set.
public struct SuggestedPair: Sendable, Hashable {
    public var a: Int64
    public var b: Int64
    public var c: Int64?

    public init(a: Int64, b: Int64, c: Int64? = nil) {
        self.a = a
        self.b = b
        self.c = c
    }
}

/// A proposed pairing: the pairs, and the heads no pair could take, by id.
public struct PairingSuggestion: Sendable, Hashable {
    public var pairs: [SuggestedPair]
    public var leftOut: [Int64]

    public init(pairs: [SuggestedPair], leftOut: [Int64]) {
        self.pairs = pairs
        self.leftOut = leftOut
    }
}

/// `peers.suggest`: a deterministic pairing of heads across regions (issue 14).
public enum PeerPairing {
    /// Pairs every head with a head of another region, as many as can be (the most possible is
    /// min(n / 2, n − the largest region's size)), each head in one pair. Repeatedly a head of the
    /// region with the most heads left (by id) is paired with a head of the other regions (largest
    /// region first, then by id): the first such two that keep the most pairs possible and were not
    /// partners before; previous partners only when no other two keep that number. One head left over joins the
    /// first pair whose two heads are both of other regions, not a previous partner of either where
    /// possible, as a group of three; otherwise it is left out, as are all heads left over when more
    /// than one is (e.g. every head in one region). The same heads give the same answer.
    public static func suggest(_ heads: [PairingHead], previous: Set<Partners>) -> PairingSuggestion {
        var left = heads.sorted { $0.id < $1.id }
        var pairs: [SuggestedPair] = []
        var regionOf: [Int64: Int64] = [:]
        for head in heads { regionOf[head.id] = head.region }
        while true {
            let sizes = regionSizes(left)
            let possible = mostPairs(sizes)
            guard possible > 0 else { break }
            // The region with the most heads left (ties: the lower region id): one of its heads is in
            // the next pair, which keeps the most pairs possible.
            guard let largest = sizes.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key else { break }
            let firsts = left.filter { $0.region == largest }
            let candidates = left.filter { $0.region != largest }.sorted {
                let (sa, sb) = (sizes[$0.region] ?? 0, sizes[$1.region] ?? 0)
                return (sa, -$0.region, -$0.id) > (sb, -$1.region, -$1.id)
            }
            let keeping = candidates.filter { candidate in
                var after = sizes
                after[largest, default: 0] -= 1
                after[candidate.region, default: 0] -= 1
                return mostPairs(after) == possible - 1
            }
            let options = firsts.flatMap { first in keeping.map { (first, $0) } }
            guard
                let (first, partner) = options.first(where: { !previous.contains(Partners($0.0.id, $0.1.id)) })
                    ?? options.first
            else { break }
            pairs.append(SuggestedPair(a: first.id, b: partner.id))
            left.removeAll { $0.id == first.id || $0.id == partner.id }
        }
        if left.count == 1, let last = left.first {
            let fits = pairs.indices.filter {
                regionOf[pairs[$0].a] != last.region && regionOf[pairs[$0].b] != last.region
            }
            let fresh = fits.first {
                !previous.contains(Partners(pairs[$0].a, last.id)) && !previous.contains(Partners(pairs[$0].b, last.id))
            }
            if let index = fresh ?? fits.first {
                pairs[index].c = last.id
                left = []
            }
        }
        return PairingSuggestion(pairs: pairs, leftOut: left.map(\.id))
    }

    static func regionSizes(_ heads: [PairingHead]) -> [Int64: Int] {
        var sizes: [Int64: Int] = [:]
        for head in heads { sizes[head.region, default: 0] += 1 }
        return sizes
    }

    /// The most cross-region pairs heads in regions of these sizes can make.
    static func mostPairs(_ sizes: [Int64: Int]) -> Int {
        let total = sizes.values.reduce(0, +)
        let largest = sizes.values.max() ?? 0
        return max(0, min(total / 2, total - largest))
    }
}
