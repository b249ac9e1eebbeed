import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 14 through the service: the question bank, seeded once, read by anyone known, changed by admins.
@Suite("The service: questioning frameworks")
struct QuestionsServiceTests {
    func fixture(store: SQLiteStore? = nil) async throws -> ServiceFixture {
        var f = try await ServiceFixture(store: store)
        try await f.seed()
        return f
    }

    @Test func list_holdsTheDefaultBank_inConversationOrder_forAnyoneKnown() async throws {
        let f = try await fixture()
        let list = try await f.service.questionsList(.init(), Peers.teacher)
        #expect(list.phases.map(\.phase) == ["check-in", "goal", "reality", "options", "next-step", "review"])
        #expect(list.phases.flatMap(\.questions).count == (try QuestionBank.defaults().count))
        let peerCoachGoal = try await f.service.questionsList(
            .init(phase: "goal", for: "coach", programme: "peer"), Peers.lead)
        #expect(peerCoachGoal.phases.count == 1)
        #expect(peerCoachGoal.phases[0].questions.allSatisfy { $0.for == "coach" && $0.programme == "peer" })
        #expect(!peerCoachGoal.phases[0].questions.isEmpty)
    }

    @Test func list_refusesAStranger_andAWrongFilterNamingIt() async throws {
        let f = try await fixture()
        #expect(await wireError { _ = try await f.service.questionsList(.init(), Peers.stranger) } != nil)
        let error = await wireError { _ = try await f.service.questionsList(.init(phase: "warmup"), Peers.teacher) }
        #expect(error?.message.contains("phase") == true)
        #expect(await wireError { _ = try await f.service.questionsList(.init(for: "mentor"), Peers.teacher) } != nil)
    }

    @Test func add_thenRemove_changeTheBank_andATwinIsAConflict() async throws {
        let f = try await fixture()
        let id = try await f.service.questionsAdd(
            .init(phase: "options", for: "learner", programme: "peer", text: "  What would I try with no limits?  "),
            Peers.admin
        ).id
        let options = try await f.service.questionsList(.init(phase: "options", programme: "peer"), Peers.teacher)
        #expect(options.phases[0].questions.contains { $0.id == id && $0.text == "What would I try with no limits?" })
        let twin = await wireError {
            _ = try await f.service.questionsAdd(
                .init(phase: "options", for: "learner", programme: "peer", text: "what would i try with no limits?"),
                Peers.admin)
        }
        #expect(twin?.code == RPCErrorName.conflict.code)
        let removed = try await f.service.questionsRemove(.init(question: id), Peers.admin)
        #expect(removed.text == "What would I try with no limits?")
        let after = try await f.service.questionsList(.init(phase: "options", programme: "peer"), Peers.teacher)
        #expect(!after.phases.flatMap(\.questions).contains { $0.id == id })
        #expect(
            await wireError { _ = try await f.service.questionsRemove(.init(question: id), Peers.admin) }?.code
                == RPCErrorName.notFound.code)
    }

    @Test func add_refusesBadTextAndNames() async throws {
        let f = try await fixture()
        for params in [
            QuestionsAdd.Params(phase: "goal", for: "coach", programme: "peer", text: "two\nlines"),
            QuestionsAdd.Params(
                phase: "goal", for: "coach", programme: "peer", text: String(repeating: "x", count: 301)),
            QuestionsAdd.Params(phase: "next step", for: "coach", programme: "peer", text: "Next?"),
            QuestionsAdd.Params(phase: "goal", for: "head", programme: "peer", text: "Next?"),
            QuestionsAdd.Params(phase: "goal", for: "coach", programme: "pilot", text: "Next?"),
        ] {
            #expect(
                await wireError { _ = try await f.service.questionsAdd(params, Peers.admin) }?.code
                    == RPCErrorName.invalidParams.code, "\(params)")
        }
    }

    @Test func addAndRemove_areForAdminsOnly() async throws {
        let f = try await fixture()
        let table = try f.service.methodTable(connections: { 0 })
        #expect(table.access["questions.add"] == .admin)
        #expect(table.access["questions.remove"] == .admin)
        #expect(table.access["questions.list"] == .known)
    }

    @Test func removedDefaults_doNotComeBack_whenTheStoreIsOpenedAgain() async throws {
        let path = NSTemporaryDirectory() + "questions-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let first = try await fixture(store: try SQLiteStore(path: path))
        let all = try await first.service.questionsList(.init(), Peers.admin).phases.flatMap(\.questions)
        for question in all { _ = try await first.service.questionsRemove(.init(question: question.id), Peers.admin) }
        let again = try SQLiteStore(path: path)
        let count = try await again.read { try $0.questions().count }
        #expect(count == 0)
    }
}
