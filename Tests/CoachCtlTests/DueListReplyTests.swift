import CoachClient
import CoachRPC
import Foundation
import Testing

/// `DueListReply`, the hand-written reader of `due.list`'s reply, against `JSONDecoder`: whenever it
/// reads a reply, it reads the same `DueList`; for the replies coachd sends it does read them; and
/// what it leaves to `JSONDecoder` (nil) is what it cannot be sure to read alike.
@Suite struct DueListReplyTests {
    /// Random due lists as coachd's encoder writes them (sorted keys, as the daemon's encoder).
    @Test func randomLists_readAsJSONDecoderReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var readHere = 0
        for round in 0..<300 {
            let list = DueList(
                items: (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                    Self.randomItem(&generator)
                })
            let result = try encoder.encode(list)
            let id = Int64.random(in: 1...Int64.max, using: &generator)
            let line = Data(#"{"jsonrpc":"2.0","result":"#.utf8) + result + Data(#","id":\#(id)}"#.utf8)
            let reference = try JSONDecoder().decode(DueList.self, from: result)
            #expect(reference == list)
            if let fast = DueListReply.decode(line, id: id) {
                #expect(fast == reference, "round \(round): \(String(decoding: line, as: UTF8.self))")
                readHere += 1
            } else {
                // Only escapes send a reply back to JSONDecoder here.
                #expect(String(decoding: result, as: UTF8.self).contains("\\"), "round \(round)")
            }
            #expect(DueListReply.decode(line, id: id &+ 1) == nil)
        }
        #expect(readHere > 100)
    }

    @Test func lenientCorners_readAlike() throws {
        let item =
            #"{"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann","coach":13,"coachName":"Bob","dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00","overdueAt":"2026-03-10T15:30:00+00:00","overdue":false"#
        let results = [
            #"{"items":[]}"#,
            "{\"items\":[\(item)}]}",
            "{\"items\":[\(item),\"dropin\":null,\"period\":null}]}",
            "{\"items\":[\(item),\"dropin\":9223372036854775807,\"period\":-9223372036854775808}]}",
            "{\"items\":[\(item),\"unknown\":[1.5,true,{\"a\":[]}],\"more\":\"ü\"}],\"later\":0}",
            " \n{ \"items\" : [ \(item) , \"dropin\" : 0 } ] } \t",
            "{\"items\":[\(item),\"teacherName\":\"Ann Ünal 😀\"}]}".replacingOccurrences(
                of: #""teacherName":"Ann","#, with: ""),
        ]
        for result in results {
            let reference = try JSONDecoder().decode(DueList.self, from: Data(result.utf8))
            let fast = try #require(DueListReply.decodeResult(Data(result.utf8)), "\(result)")
            #expect(fast == reference, "\(result)")
            let line = Data(#"{"id":3,"result":\#(result),"jsonrpc":"2.0"}"#.utf8)
            #expect(DueListReply.decode(line, id: 3) == reference)
        }
    }

    @Test func whatItCannotBeSureOf_isLeftToJSONDecoder() {
        let item =
            #"{"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann","coach":13,"coachName":"Bob","dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00","overdueAt":"2026-03-10T15:30:00+00:00","overdue":false"#
        let results = [
            "{\"items\":[\(item),\"pair\":8}]}",  // a duplicate member
            "{\"items\":[\(item)}],\"items\":[]}",
            "{\"items\":[\(item),\"dropin\":1.0}]}",  // not an integer as written
            "{\"items\":[\(item),\"dropin\":1e2}]}",
            "{\"items\":[\(item),\"dropin\":-0}]}",
            "{\"items\":[\(item),\"dropin\":01}]}",
            "{\"items\":[\(item),\"dropin\":9223372036854775808}]}",
            "{\"items\":[\(item),\"dropin\":\"1\"}]}",
            "{\"items\":[\(item),\"coachName\":\"B\\u00f6b\"}]}".replacingOccurrences(
                of: #""coachName":"Bob","#, with: ""),
            "{\"items\":[\(item.replacingOccurrences(of: "\"overdue\":false", with: "\"overdue\":0"))}]}",
            "{\"items\":[\(item.replacingOccurrences(of: "\"kind\":\"dropin\",", with: ""))}]}",
            "{\"items\":[\(item)}]",
            "{\"items\":[\(item)}]} x",
            "{\"items\":null}",
            "null",
            String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        ]
        for result in results {
            #expect(DueListReply.decodeResult(Data(result.utf8)) == nil, "\(result)")
        }
        var invalid = Data("{\"items\":[\(item),\"teacherName\":\"A".utf8)
        invalid.append(0xFF)
        invalid.append(contentsOf: Data("\"}]}".utf8))
        #expect(DueListReply.decodeResult(invalid) == nil)
        // Envelopes: an error, a notification, no id, a string id, a null result.
        for line in [
            #"{"jsonrpc":"2.0","error":{"code":1,"message":"m"},"id":1}"#,
            #"{"jsonrpc":"2.0","error":{"code":1,"message":"m"},"result":{"items":[]},"id":1}"#,
            #"{"jsonrpc":"2.0","method":"events.event","params":{}}"#,
            #"{"jsonrpc":"2.0","method":"x","result":{"items":[]},"id":1}"#,
            #"{"jsonrpc":"2.0","result":{"items":[]}}"#,
            #"{"jsonrpc":"2.0","result":{"items":[]},"id":"1"}"#,
            #"{"jsonrpc":"2.0","result":null,"id":1}"#,
        ] {
            #expect(DueListReply.decode(Data(line.utf8), id: 1) == nil, "\(line)")
        }
        #expect(
            DueListReply.decode(Data(#"{"jsonrpc":"2.0","result":{"items":[]},"id":1}"#.utf8), id: 1)
                == DueList(items: []))
    }

    /// The request line, against the encoder every request goes through.
    @Test func request_isWhatRPCCodecsEncoderWrites() throws {
        struct Envelope: Encodable {
            var jsonrpc = "2.0"
            var method = DueListMethod.name
            var params: DueListMethod.Params
            var id: Int64
        }
        let dates: [String?] = [nil, "2026-03-09", "1999-12-31", "a/b", "Ünal", "quote\"", "back\\slash", "\u{7F}"]
        var written = 0
        for school: Int64? in [nil, 0, 1, Int64.max, Int64.min] {
            for overdueOnly: Bool? in [nil, true, false] {
                for (from, to) in dates.flatMap({ from in dates.map { (from, $0) } }) {
                    let params = DueListMethod.Params(school: school, overdueOnly: overdueOnly, from: from, to: to)
                    for id: Int64 in [1, 2, Int64.max] {
                        let expected = try RPCCodec.encoder.encode(Envelope(params: params, id: id)) + Data("\n".utf8)
                        if let line = DueListReply.request(params, id: id) {
                            #expect(line == expected, "\(String(decoding: expected, as: UTF8.self))")
                            written += 1
                        } else {
                            #expect(
                                [from, to].contains {
                                    $0.map {
                                        !$0.allSatisfy { $0.isASCII && !$0.isNewline } || $0.contains("\"")
                                            || $0.contains("\\") || $0.contains("\u{7F}")
                                    } ?? false
                                })
                        }
                    }
                }
            }
        }
        #expect(written > 500)
    }

    static func randomItem(_ generator: inout SystemRandomNumberGenerator) -> DueItemInfo {
        let names = ["Ann", "Bob Coach", "Ünal Öz", "李 老师", "O'Neil", "a/b", "😀 Smile", "Quote \"Q\"", "Tab\there", ""]
        func id() -> Int64 {
            [Int64.random(in: 0...1000, using: &generator), Int64.max, Int64.min, -1, 0].randomElement(
                using: &generator)!
        }
        let escapes = Bool.random(using: &generator) && Bool.random(using: &generator)
        func name() -> String {
            let name = names.randomElement(using: &generator)!
            return escapes || (!name.contains("\"") && !name.contains("\t")) ? name : "Plain"
        }
        return DueItemInfo(
            kind: ["dropin", "followup", "session", "supervision"].randomElement(using: &generator)!, pair: id(),
            school: id(),
            teacher: id(), teacherName: name(), coach: id(), coachName: name(),
            dropin: Bool.random(using: &generator) ? id() : nil, dueDate: "2026-03-09",
            dueAt: "2026-03-09T10:20:00+00:00", overdueAt: "2026-03-10T15:30:00+01:00",
            overdue: Bool.random(using: &generator), period: Bool.random(using: &generator) ? id() : nil,
            group: Bool.random(using: &generator) ? id() : nil,
            groupName: Bool.random(using: &generator) ? name() : nil,
            term: Bool.random(using: &generator) ? name() : nil)
    }

    /// The reader reads every member the contract gives a due item: one added to `DueItemInfo`
    /// (as level 13 added `group`, `groupName`, `term`) must be read here too, or this fails.
    @Test func itReadsEveryMemberOfTheContractsDueItem() throws {
        guard case .object(let fields) = DueItemInfo.schema else {
            Issue.record("DueItemInfo.schema is not an object")
            return
        }
        #expect(Set(fields.map(\.name)) == DueListReply.itemMembers)
        let supervision =
            #"{"items":[{"kind":"supervision","pair":5,"school":1,"teacher":0,"teacherName":"","coach":0,"coachName":"","dueDate":"2026-01-05","dueAt":"2026-01-05T00:00:00+00:00","overdueAt":"2026-04-01T00:00:00+01:00","overdue":true,"group":5,"groupName":"North circle","term":"Spring 2026"}]}"#
        let fast = try #require(DueListReply.decodeResult(Data(supervision.utf8)))
        #expect(fast == (try JSONDecoder().decode(DueList.self, from: Data(supervision.utf8))))
        #expect(fast.items.first?.groupName == "North circle" && fast.items.first?.term == "Spring 2026")
    }
}
