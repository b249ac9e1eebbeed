import Foundation
import Testing

/// `coachctl watch`'s human lines: one event per line, within 80 columns however long the names,
/// control characters shown inert; Ctrl-C ends it with status 0.
@Suite struct WatchCLITests {
    static let schools =
        #"{"schools":[{"id":1,"name":"Hill","timeZone":"Europe/London","dayStart":"08:30","dayEnd":"15:30"}]}"#

    static func event(seq: Int, teacher: String, coach: String) -> String {
        #"{"jsonrpc":"2.0","method":"events.event","params":{"seq":\#(seq),"at":"2026-12-01T10:20:00Z","#
            + #""kind":"overdue","school":1,"pair":12345,"teacher":7,"teacherName":"\#(teacher)","coach":8,"#
            + #""coachName":"\#(coach)","item":"followup"}}"#
    }

    @Test func longNames_fitEightyColumns_andCtrlCEndsWithStatusZero() throws {
        let server = try FakeServer(respond: { line in
            if line.contains(#""events.subscribe""#) {
                // Only the first subscription (without `since`) gets the events; a resubscription, none.
                guard !line.contains(#""since""#) else { return .silence }
                let id =
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? Int ?? 0
                return .lines([
                    #"{"jsonrpc":"2.0","result":{"seq":2},"id":\#(id)}"#,
                    Self.event(
                        seq: 3, teacher: "Bartholomew Featherstonehaugh-Cholmondeley",
                        coach: "Wilhelmina Montgomery-Fairweather"),
                    Self.event(seq: 4, teacher: "Ann\\u001b[2J Lee", coach: "Bo"),
                ])
            }
            return FakeServer.answering(["schools.list": .result(Self.schools)])(line)
        })
        let process = Process()
        process.executableURL = try Coachctl.binary()
        process.arguments = ["watch", "--socket", server.path]
        // Output to a file, polled: a pipe read would block for good if nothing came.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString).out")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: file) }
        process.standardOutput = try FileHandle(forWritingTo: file)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both events printed (or 20 s passed), then Ctrl-C.
        let deadline = Date().addingTimeInterval(20)
        func printed() -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        while printed().split(separator: "\n").count < 2, Date() < deadline { usleep(50_000) }
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = printed().split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        for line in lines { #expect(line.count <= 80, "\(line.count) characters: \(line)") }
        #expect(lines.first?.contains("overdue (follow-up)") == true)
        #expect(lines.first?.contains("pair 12345: Bartholomew Feath") == true, "\(lines)")
        #expect(lines.last?.contains("\u{1B}") == false, "\(lines)")
        #expect(lines.last?.contains("Ann") == true)
    }
}
