import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 14's questioning frameworks as real Unix users: the shipped bank for anyone known,
    /// edits by admins only, and a removed question gone for good across a restart.
    @Suite("End to end: questioning frameworks", .serialized)
    struct QuestionsEndToEndTests {
        @Test func bank_isReadByAnyoneKnown_editedByAdmins_andStaysEditedAcrossARestart() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            _ = try School(daemon)

            let teacher = try daemon.ctl(["questions", "--phase", "check-in", "--programme", "peer"], uid: UID.teacher)
            #expect(teacher.status == 0, "\(teacher.stderr)")
            #expect(teacher.stdout.hasPrefix("Check-in\n"))
            #expect(teacher.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
            #expect(!teacher.stdout.contains("Goal"))
            let stranger = try daemon.ctl(["questions"], uid: UID.stranger)
            #expect(stranger.status != 0)

            let refused = try daemon.ctl(
                ["questions", "add", "--phase", "goal", "--for", "coach", "--programme", "peer", "Mine?"],
                uid: UID.coach)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("admins only"), "\(refused.stderr)")

            let added = try daemon.ctl([
                "--json", "questions", "add", "--phase", "review", "--for", "learner", "--programme", "incremental",
                "What will I try first on Monday?",
            ])
            #expect(added.status == 0, "\(added.stderr)")
            let id = try added.json(CreatedID.self).id
            let all = try daemon.ctl(["--json", "questions"], uid: UID.lead).json(QuestionList.self)
            let ids = all.phases.flatMap(\.questions).map(\.id)
            #expect(ids.contains(id))
            #expect(all.phases.map(\.phase) == ["check-in", "goal", "reality", "options", "next-step", "review"])

            // Every default question of the peer programme's goal phase goes; they stay gone.
            let goal = try daemon.ctl(["--json", "questions", "--phase", "goal", "--programme", "peer"])
                .json(QuestionList.self).phases.flatMap(\.questions)
            #expect(!goal.isEmpty)
            for question in goal {
                #expect(try daemon.ctl(["questions", "remove", "\(question.id)"]).status == 0)
            }
            daemon.stop()
            try daemon.start()
            let after = try daemon.ctl(
                ["--json", "questions", "--phase", "goal", "--programme", "peer"], uid: UID.coach)
            #expect(after.status == 0, "\(after.stderr)")
            #expect(try after.json(QuestionList.self).phases.isEmpty)
            let kept = try daemon.ctl(["--json", "questions"], uid: UID.teacher).json(QuestionList.self)
            #expect(kept.phases.flatMap(\.questions).contains { $0.id == id })
            daemon.stop()
        }
    }
}
