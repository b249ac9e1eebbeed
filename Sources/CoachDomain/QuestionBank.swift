public import Foundation

/// One question of a questioning framework (issue 14): asked in one phase of a coaching
/// conversation, by the coach or by the learner of themself, in one of the two programmes.
public struct Question: Sendable, Hashable, Identifiable {
    /// The phases of a coaching conversation, in the order a conversation goes through them.
    public enum Phase: String, Sendable, Hashable, CaseIterable, Codable {
        case checkIn = "check-in"
        case goal
        case reality
        case options
        case nextStep = "next-step"
        case review
    }

    /// Who asks the question: the coach, or the learner (of themself).
    public enum Audience: String, Sendable, Hashable, CaseIterable, Codable {
        case coach, learner
    }

    /// The two coaching programmes on the one engine: the teachers' incremental coaching and the
    /// heads' peer programme.
    public enum Programme: String, Sendable, Hashable, CaseIterable, Codable {
        case incremental, peer
    }

    public var id: Int64
    public var phase: Phase
    public var audience: Audience
    public var programme: Programme
    public var text: String

    public init(id: Int64, phase: Phase, audience: Audience, programme: Programme, text: String) {
        self.id = id
        self.phase = phase
        self.audience = audience
        self.programme = programme
        self.text = text
    }
}

/// The rules of the question bank: what a question may say, how a list is filtered and grouped,
/// and the default bank shipped in `Config/questions.json`.
public enum QuestionBank {
    /// The longest question accepted, in characters.
    public static let maxCharacters = 300

    /// A question's text: one line of plain text.
    public static func text(_ value: String, field: String = "text") throws(DomainError) -> String {
        try TextRules.line(value, field: field, maxCharacters: maxCharacters)
    }

    /// A phase by its wire name, or a refusal listing the phases.
    public static func phase(_ value: String, field: String = "phase") throws(DomainError) -> Question.Phase {
        guard let phase = Question.Phase(rawValue: value) else {
            throw .invalid(
                "\"\(TextRules.printable(value, limit: 40))\" is not a phase of the conversation", field: field,
                hint: "use one of " + Question.Phase.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return phase
    }

    /// An audience by its wire name (`coach` or `learner`).
    public static func audience(_ value: String, field: String = "for") throws(DomainError) -> Question.Audience {
        guard let audience = Question.Audience(rawValue: value) else {
            throw .invalid(
                "\"\(TextRules.printable(value, limit: 40))\" is neither coach nor learner", field: field,
                hint: "use coach or learner")
        }
        return audience
    }

    /// A programme by its wire name (`incremental` or `peer`).
    public static func programme(_ value: String, field: String = "programme") throws(DomainError)
        -> Question.Programme
    {
        guard let programme = Question.Programme(rawValue: value) else {
            throw .invalid(
                "\"\(TextRules.printable(value, limit: 40))\" is not a programme", field: field,
                hint: "use incremental or peer")
        }
        return programme
    }

    /// Whether the bank already holds the same question (same programme, phase, audience and text,
    /// letter case aside): adding it twice is refused.
    public static func isDuplicate(_ question: Question, in bank: [Question]) -> Bool {
        bank.contains {
            $0.programme == question.programme && $0.phase == question.phase && $0.audience == question.audience
                && $0.text.lowercased() == question.text.lowercased()
        }
    }

    /// The questions matching the filters (nil: any), grouped by phase in conversation order;
    /// within a phase by programme, then the coach's before the learner's, then in the order they
    /// were added. Phases without a question are left out.
    public static func grouped(
        _ questions: [Question], phase: Question.Phase? = nil, audience: Question.Audience? = nil,
        programme: Question.Programme? = nil
    ) -> [(phase: Question.Phase, questions: [Question])] {
        let matching = questions.filter { question in
            (phase == nil || question.phase == phase) && (audience == nil || question.audience == audience)
                && (programme == nil || question.programme == programme)
        }
        let programmes = Question.Programme.allCases
        let audiences = Question.Audience.allCases
        return Question.Phase.allCases.compactMap { phase in
            let inPhase = matching.filter { $0.phase == phase }.sorted { lhs, rhs in
                let left = (programmes.firstIndex(of: lhs.programme)!, audiences.firstIndex(of: lhs.audience)!, lhs.id)
                let right = (
                    programmes.firstIndex(of: rhs.programme)!, audiences.firstIndex(of: rhs.audience)!, rhs.id
                )
                return left < right
            }
            return inPhase.isEmpty ? nil : (phase, inPhase)
        }
    }

    /// One question of the bank file as written.
    struct Entry: Decodable {
        var programme: String
        var phase: String
        var `for`: String
        var text: String
    }

    struct File: Decodable {
        var questions: [Entry]
    }

    /// Reads a bank in the format of `Config/questions.json`; every entry is checked as
    /// `questions.add` checks it. Ids are 0 (the store assigns them).
    public static func parse(_ data: Data) throws -> [Question] {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw DomainError.invalid("the question bank is not valid JSON: \(error)", field: "questions")
        }
        var bank: [Question] = []
        for (index, entry) in file.questions.enumerated() {
            let field = "questions[\(index)]"
            let question = Question(
                id: 0, phase: try phase(entry.phase, field: field), audience: try audience(entry.for, field: field),
                programme: try programme(entry.programme, field: field), text: try text(entry.text, field: field))
            guard !isDuplicate(question, in: bank) else {
                throw DomainError.invalid("\(field) repeats an earlier question", field: field)
            }
            bank.append(question)
        }
        return bank
    }

    /// The default bank, as shipped (embedded from `Config/questions.json` by
    /// `Tools/embed-questions.py`; a test keeps the two equal).
    public static func defaults() throws -> [Question] {
        try parse(Data(DefaultQuestionBank.json.utf8))
    }
}
