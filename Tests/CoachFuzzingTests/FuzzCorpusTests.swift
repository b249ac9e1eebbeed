import CoachFuzzing
import CoachRPC
import Foundation
import Testing

/// The fuzz target's properties over the committed inputs: the seed corpus and every finding the
/// fuzzer made (each was a broken property or a crash once; now each is a regression test).
struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func files(_ directory: String) -> [String] {
        let path = root.appendingPathComponent(directory).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
    }

    @Test(arguments: files("corpus") + files("findings"))
    func everyCommittedInput_keepsEveryProperty(path: String) throws {
        let data = try #require(FileManager.default.contents(atPath: path))
        let broken = FuzzHarness.violation(Array(data))
        #expect(broken == nil, "\(broken?.description ?? "")")
    }

    @Test func findingsExist_forEveryBugTheFuzzerFound() {
        #expect(!Self.files("findings").isEmpty)
    }

    @Test func seedCorpus_isUpToDateWithTheContract() throws {
        for (name, text) in FuzzSeeds.corpus {
            let path = Self.root.appendingPathComponent("corpus/\(name)").path
            let stored = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
            #expect(stored == text, "Fuzz/corpus/\(name) is stale or missing: run `make fuzz-seeds`")
        }
        let dictionary = try String(contentsOf: Self.root.appendingPathComponent("coachd.dict"), encoding: .utf8)
        #expect(dictionary == FuzzSeeds.dictionary, "Fuzz/coachd.dict is stale: run `make fuzz-seeds`")
    }

    @Test func everyMethod_hasASeed() {
        for method in CoachAPI.methods {
            #expect(FuzzSeeds.corpus["method-\(method.name)"] != nil)
        }
    }

    @Test func wrongTypes_neverFitTheirSchema_andSamplesAlwaysDo() {
        for method in CoachAPI.methods {
            for field in WireSamples.fields(of: method) {
                #expect(RPCCodec.fits(WireSamples.valid(field.schema), field.schema))
                let wrong = WireSamples.wrongTypes(field.schema)
                #expect(!wrong.isEmpty, "\(method.name).\(field.name) has no wrong-typed value")
                for value in wrong { #expect(!RPCCodec.fits(value, field.schema)) }
            }
        }
    }
}
