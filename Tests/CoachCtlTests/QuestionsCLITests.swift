import Foundation
import Testing

/// Issue 14's `coachctl questions` against a fake daemon: the filters it sends, headings in
/// conversation order, lines within 80 columns, control characters escaped.
@Suite struct QuestionsCLITests {
    static let long = String(repeating: "Which part of the lesson matters most to you ", count: 4) + "today?"
    static let list = """
        {"phases":[{"phase":"check-in","questions":[{"id":3,"phase":"check-in","for":"coach","programme":"peer",\
        "text":"How are you \\u001b[2J really?"}]},{"phase":"next-step","questions":[{"id":12,"phase":"next-step",\
        "for":"learner","programme":"incremental","text":"\(long)"}]}]}
        """

    @Test func questions_sendsTheFilters_andListsByPhaseWithin80Columns() throws {
        let server = try FakeServer(["questions.list": .result(Self.list)])
        let run = try Coachctl.run([
            "questions", "--phase", "goal", "--for", "coach", "--programme", "peer", "--socket", server.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let params = try #require(server.requests(for: "questions.list").first?["params"] as? [String: Any])
        #expect(params["phase"] as? String == "goal")
        #expect(params["for"] as? String == "coach")
        #expect(params["programme"] as? String == "peer")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Check-in")
        #expect(lines.contains("Next step"))
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(run.stdout)")
        #expect(!run.stdout.contains("\u{1B}"))
        #expect(run.stdout.contains("\\u{1B}[2J"))
        #expect(run.stdout.contains("3  peer, coach: How are you"))
        #expect(run.stdout.contains("2 questions listed."))
        // The long question is wrapped, not cut: every word is there.
        let words = run.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
        #expect(words.filter { $0 == "lesson" }.count == 4)
    }

    @Test func questionsAdd_andRemove_sendTheirParams() throws {
        let server = try FakeServer([
            "questions.add": .result(#"{"id":40}"#),
            "questions.remove": .result(
                #"{"id":40,"phase":"goal","for":"learner","programme":"peer","text":"What do I want?"}"#),
        ])
        let add = try Coachctl.run([
            "questions", "add", "--phase", "goal", "--for", "learner", "--programme", "peer", "What do I want?",
            "--socket", server.path,
        ])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("Added question 40"))
        let sent = try #require(server.requests(for: "questions.add").first?["params"] as? [String: Any])
        #expect(sent["text"] as? String == "What do I want?")
        #expect(sent["for"] as? String == "learner")
        let remove = try Coachctl.run(["questions", "remove", "40", "--socket", server.path])
        #expect(remove.status == 0, "\(remove.stderr)")
        #expect(remove.stdout.contains("Removed question 40 (goal, learner, peer)"))
        #expect(
            (server.requests(for: "questions.remove").first?["params"] as? [String: Any])?["question"] as? Int == 40)
    }
}
