import CoachFuzzing
import CoachRPC
import Foundation
import Testing

/// Issue 9, "params declared once": a method's params are a `Codable` struct, and `Params.fields`
/// says which members the wire accepts, their JSON types and which are required (the gate of
/// `RPCCodec.decodeParams`, OpenRPC, API.md, the CLI's help and the fuzz seeds all read `fields`).
/// Swift cannot derive one from the other without a macro, so this suite makes them one fact: the
/// struct must read exactly what is declared — every declared member, with the declared JSON type,
/// required exactly when declared required (Decisions, issue 9: the domain's due scheduler and
/// features, item 8).
@Suite("Params: the Codable struct reads exactly the declared fields")
struct ParamsDeclaredOnceTests {
    /// Whether plain `JSONDecoder` decoding (no `fields` gate in front) makes the method's params.
    static func decodes(_ method: any RPCMethod.Type, _ params: [String: JSONValue]) -> Bool {
        func decode<M: RPCMethod>(_: M.Type) -> Bool {
            guard let data = try? RPCCodec.encoder.encode(JSONValue.object(params)) else { return false }
            return (try? JSONDecoder().decode(M.Params.self, from: data)) != nil
        }
        return decode(method)
    }

    /// Where the method's struct and its declared fields disagree, one line each.
    static func disagreements(_ method: any RPCMethod.Type) -> [String] {
        var out: [String] = []
        let sample = WireSamples.params(for: method)
        if !decodes(method, sample) { out.append("its declared fields, each with a well-typed sample, do not decode") }
        for field in WireSamples.fields(of: method) {
            var without = sample
            without[field.name] = nil
            if decodes(method, without) == field.required {
                out.append("\(field.name): declared \(field.required ? "required" : "optional"), the struct disagrees")
            }
            for wrong in WireSamples.wrongTypes(field.schema) {
                var bad = sample
                bad[field.name] = wrong
                if decodes(method, bad) {
                    out.append("\(field.name): declared, but the struct does not read it as declared (took \(wrong))")
                }
            }
        }
        return out
    }

    @Test(arguments: CoachAPI.methods.map { $0.name })
    func theStruct_readsExactlyTheDeclaredFields(method name: String) throws {
        let method = try #require(CoachAPI.methods.first { $0.name == name })
        #expect(Self.disagreements(method) == [])
    }

    /// A struct that disagrees with its fields about what is required and what is read.
    enum Disagreeing: RPCMethod {
        static let name = "test.disagreeing"
        static let summary = "params whose struct and fields disagree"
        struct Params: RPCParams {
            var count: Int
            static let fields = [
                RPCField("count", .integer, required: false, "declared optional, required by the struct"),
                RPCField("unread", .boolean, "declared, never read by the struct"),
            ]
        }
        typealias Result = CreatedID
    }

    /// A struct that reads a member with another JSON type than declared.
    enum Mistyped: RPCMethod {
        static let name = "test.mistyped"
        static let summary = "params whose struct reads a member as another type"
        struct Params: RPCParams {
            var label: Int?
            static let fields = [
                RPCField("label", .string(), required: false, "a string here, an integer in the struct")
            ]
        }
        typealias Result = CreatedID
    }

    @Test func theCheck_findsEachDisagreement() {
        let found = Self.disagreements(Disagreeing.self)
        #expect(!found.contains("its declared fields, each with a well-typed sample, do not decode"))
        #expect(found.contains("count: declared optional, the struct disagrees"))
        #expect(found.contains("unread: declared required, the struct disagrees"))
        #expect(found.contains { $0.hasPrefix("unread: declared, but the struct does not read it") })
        #expect(
            Self.disagreements(Mistyped.self).contains(
                "its declared fields, each with a well-typed sample, do not decode"))
    }
}
