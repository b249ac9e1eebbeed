import CoachDomain
import Testing

/// Issue 14's `peers.suggest` rules: every head with a head of another region, one pair each, an
/// odd head as a third or left out, previous partners avoided where possible, the same answer twice.
@Suite("Suggesting peer pairs")
struct PeerPairingTests {
    /// Heads 1…n, in the regions given, in order.
    func heads(_ regions: [Int64]) -> [PairingHead] {
        regions.enumerated().map {
            PairingHead(id: Int64($0.offset + 1), name: "H\($0.offset + 1)", region: $0.element)
        }
    }

    func check(_ suggestion: PairingSuggestion, _ heads: [PairingHead]) {
        let region = Dictionary(uniqueKeysWithValues: heads.map { ($0.id, $0.region) })
        var seen: [Int64] = suggestion.leftOut
        for pair in suggestion.pairs {
            #expect(region[pair.a] != region[pair.b], "\(pair) is within one region")
            if let c = pair.c { #expect(region[c] != region[pair.a] && region[c] != region[pair.b]) }
            seen += [pair.a, pair.b] + (pair.c.map { [$0] } ?? [])
        }
        #expect(seen.sorted() == heads.map(\.id).sorted(), "every head once: \(suggestion)")
    }

    @Test func anEvenTrust_isPairedAcrossRegions_everyHeadOnce() {
        let trust = heads([1, 1, 1, 2, 2, 2])
        let suggestion = PeerPairing.suggest(trust, previous: [])
        check(suggestion, trust)
        #expect(suggestion.pairs.count == 3 && suggestion.leftOut.isEmpty)
    }

    @Test func unevenRegions_stillPairEveryone_whenNoRegionHasMoreThanHalf() {
        let trust = heads([1, 1, 1, 2, 3, 3])
        let suggestion = PeerPairing.suggest(trust, previous: [])
        check(suggestion, trust)
        #expect(suggestion.pairs.count == 3 && suggestion.leftOut.isEmpty)
    }

    @Test func anOddCount_givesAGroupOfThree_whenAThirdRegionFits() {
        let trust = heads([1, 1, 2, 2, 3])
        let suggestion = PeerPairing.suggest(trust, previous: [])
        check(suggestion, trust)
        #expect(suggestion.leftOut.isEmpty)
        #expect(suggestion.pairs.filter { $0.c != nil }.count == 1)
    }

    @Test func anOddCount_inTwoRegions_leavesOneHeadOut_named() {
        let trust = heads([1, 1, 1, 2, 2])
        let suggestion = PeerPairing.suggest(trust, previous: [])
        check(suggestion, trust)
        #expect(suggestion.pairs.count == 2 && suggestion.leftOut.count == 1)
        #expect(suggestion.pairs.allSatisfy { $0.c == nil })
    }

    @Test func everyHeadInOneRegion_isLeftOut() {
        let trust = heads([4, 4, 4, 4])
        let suggestion = PeerPairing.suggest(trust, previous: [])
        #expect(suggestion.pairs.isEmpty && suggestion.leftOut == [1, 2, 3, 4])
        #expect(PeerPairing.suggest([], previous: []) == PairingSuggestion(pairs: [], leftOut: []))
        #expect(PeerPairing.suggest(heads([1]), previous: []).leftOut == [1])
    }

    @Test func aRegionWithMoreThanHalf_leavesItsSurplusOut() {
        let trust = heads([1, 1, 1, 1, 2])
        let suggestion = PeerPairing.suggest(trust, previous: [])
        check(suggestion, trust)
        #expect(suggestion.pairs.count == 1 && suggestion.leftOut.count == 3)
    }

    @Test func previousPartners_areAvoided_whenAnotherPairingExists() {
        let trust = heads([1, 1, 2, 2])
        let plain = PeerPairing.suggest(trust, previous: [])
        let previous = Set(plain.pairs.map { Partners($0.a, $0.b) })
        let next = PeerPairing.suggest(trust, previous: previous)
        check(next, trust)
        #expect(next.pairs.count == 2)
        #expect(next.pairs.allSatisfy { !previous.contains(Partners($0.a, $0.b)) })
    }

    @Test func previousPartners_areKept_whenTheyAreTheOnlyWay() {
        let trust = heads([1, 2])
        let next = PeerPairing.suggest(trust, previous: [Partners(2, 1)])
        #expect(next.pairs == [SuggestedPair(a: 1, b: 2)] && next.leftOut.isEmpty)
    }

    @Test func theSameHeads_inAnyOrder_getTheSameAnswer() {
        let trust = heads([1, 2, 3, 1, 2, 3, 1])
        let once = PeerPairing.suggest(trust, previous: [Partners(1, 2)])
        #expect(PeerPairing.suggest(trust.reversed(), previous: [Partners(1, 2)]) == once)
        check(once, trust)
    }

    @Test func aRandomTrust_alwaysGetsTheMostPairsPossible() {
        var generator = SeededGenerator(state: 14)
        for _ in 0..<200 {
            let count = Int.random(in: 0...12, using: &generator)
            let trust = heads((0..<count).map { _ in Int64.random(in: 1...3, using: &generator) })
            let suggestion = PeerPairing.suggest(trust, previous: [])
            check(suggestion, trust)
            var sizes: [Int64: Int] = [:]
            for head in trust { sizes[head.region, default: 0] += 1 }
            let most = max(0, min(count / 2, count - (sizes.values.max() ?? 0)))
            #expect(suggestion.pairs.count == most, "\(trust.map(\.region))")
        }
    }
}
