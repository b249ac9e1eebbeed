import Foundation
import Testing

@testable import CoachDaemon

/// The service fuzz target's seeds and every past finding, replayed through the same checks on each
/// test run (`make fuzz-service` explores further; what it finds is kept under Fuzz/service-findings).
@Suite("Service fuzz inputs, replayed")
struct ServiceFuzzReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func inputs(_ folder: String) -> [URL] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test func theSeedCorpus_isTheGeneratedOne() throws {
        let files = Self.inputs("Fuzz/service-corpus")
        let seeds = ServiceFuzzing.seeds()
        let stale = seeds.indices.filter { index in
            FileManager.default.contents(
                atPath: Self.root.appendingPathComponent("Fuzz/service-corpus/seed-\(index)").path
            ).map(Array.init) != seeds[index]
        }
        #expect(
            files.count == seeds.count && stale.isEmpty,
            "\(stale.count) of \(seeds.count) seeds differ (\(files.count) stored): run make fuzz-service-seeds")
    }

    @Test func everySeedAndFinding_holdsEveryProperty() async throws {
        let files = Self.inputs("Fuzz/service-corpus") + Self.inputs("Fuzz/service-findings")
        #expect(files.count > 100)
        for file in files {
            let data = try Data(contentsOf: file)
            let world = await ServiceFuzzing.run(Array(data))
            #expect(world.violations.isEmpty, "\(file.lastPathComponent): \(world.violations)")
        }
    }

    @Test func aScript_reachesTheWholeMicroCycle() async throws {
        // The micro-cycle seed books, completes, follows up and sets an adaptation: proof the
        // scripts reach the handlers behind the access gate, not only its refusals.
        let script = try #require(ServiceFuzzing.seeds().last)
        let world = await ServiceFuzzing.run(script)
        #expect(try await world.store.read { try $0.count(of: .dropin) } == 1)
        #expect(try await world.store.read { try $0.count(of: .followup) } == 1)
        #expect(try await world.store.read { try $0.count(of: .adaptation) } == 1)
    }
}
