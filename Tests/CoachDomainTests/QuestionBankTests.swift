import Foundation
import Testing

@testable import CoachDomain

/// Issue 14: the questioning frameworks' rules and the default bank.
@Suite("The question bank")
struct QuestionBankTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func q(_ id: Int64, _ phase: Question.Phase, _ audience: Question.Audience, _ programme: Question.Programme)
        -> Question
    {
        Question(id: id, phase: phase, audience: audience, programme: programme, text: "Question \(id)?")
    }

    @Test func defaults_coverEveryPhaseForCoachAndLearnerInBothProgrammes() throws {
        let bank = try QuestionBank.defaults()
        for programme in Question.Programme.allCases {
            for phase in Question.Phase.allCases {
                for audience in Question.Audience.allCases {
                    #expect(
                        bank.contains { $0.programme == programme && $0.phase == phase && $0.audience == audience },
                        "no \(audience) question in \(phase) of \(programme)")
                }
            }
        }
    }

    @Test func embeddedBank_isConfigQuestionsJSON_byteForByte() throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("Config/questions.json"), encoding: .utf8)
        #expect(DefaultQuestionBank.json + "\n" == file, "run `make questions`")
    }

    @Test func grouped_followsConversationOrder_coachBeforeLearner_leavesEmptyPhasesOut() {
        let bank = [
            q(1, .review, .learner, .peer), q(2, .checkIn, .learner, .incremental), q(3, .checkIn, .coach, .peer),
            q(4, .checkIn, .coach, .incremental), q(5, .nextStep, .coach, .peer),
        ]
        let groups = QuestionBank.grouped(bank)
        #expect(groups.map(\.phase) == [.checkIn, .nextStep, .review])
        #expect(groups[0].questions.map(\.id) == [4, 2, 3])
    }

    @Test func grouped_filtersByPhaseAudienceAndProgramme() {
        let bank = [
            q(1, .goal, .coach, .peer), q(2, .goal, .learner, .peer), q(3, .goal, .coach, .incremental),
            q(4, .options, .coach, .peer),
        ]
        #expect(QuestionBank.grouped(bank, phase: .goal).flatMap(\.questions).map(\.id) == [3, 1, 2])
        #expect(QuestionBank.grouped(bank, audience: .learner).flatMap(\.questions).map(\.id) == [2])
        #expect(
            QuestionBank.grouped(bank, phase: .goal, audience: .coach, programme: .peer).flatMap(\.questions).map(\.id)
                == [1])
        #expect(QuestionBank.grouped(bank, phase: .review).isEmpty)
    }

    @Test func names_areTheWireNames_andOthersAreRefusedNamingTheChoices() throws {
        #expect(try QuestionBank.phase("next-step") == .nextStep)
        #expect(try QuestionBank.phase("check-in") == .checkIn)
        #expect(try QuestionBank.audience("learner") == .learner)
        #expect(try QuestionBank.programme("peer") == .peer)
        #expect(throws: DomainError.self) { try QuestionBank.phase("Goal") }
        do {
            _ = try QuestionBank.phase("warm-up")
            Issue.record("warm-up accepted")
        } catch {
            #expect(error.field == "phase")
            #expect(error.hint?.contains("check-in, goal, reality, options, next-step, review") == true)
        }
        #expect(throws: DomainError.self) { try QuestionBank.audience("mentor") }
        #expect(throws: DomainError.self) { try QuestionBank.programme("pilot") }
    }

    @Test func text_isOneLine_bounded() throws {
        #expect(try QuestionBank.text("  What next?  ") == "What next?")
        #expect(throws: DomainError.self) { try QuestionBank.text("two\nlines") }
        #expect(throws: DomainError.self) { try QuestionBank.text(" ") }
        #expect(throws: DomainError.self) { try QuestionBank.text(String(repeating: "a", count: 301)) }
    }

    @Test func duplicate_isTheSameTextInTheSamePlace_caseAside() {
        let bank = [q(1, .goal, .coach, .peer)]
        var same = q(9, .goal, .coach, .peer)
        same.text = "QUESTION 1?"
        #expect(QuestionBank.isDuplicate(same, in: bank))
        #expect(!QuestionBank.isDuplicate(q(1, .goal, .learner, .peer), in: bank))
        #expect(!QuestionBank.isDuplicate(q(1, .goal, .coach, .incremental), in: bank))
    }

    @Test func parse_refusesAnEntryWithAnUnknownPhase_namingIt() {
        let data = Data(
            #"{"questions": [{"programme": "peer", "phase": "warm-up", "for": "coach", "text": "Hi?"}]}"#.utf8)
        do {
            _ = try QuestionBank.parse(data)
            Issue.record("parsed")
        } catch let error as DomainError {
            #expect(error.field == "questions[0]")
        } catch {
            Issue.record("\(error)")
        }
    }
}
