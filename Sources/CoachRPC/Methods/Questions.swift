/// `questions.*` (API level 10, issue 14): the questioning frameworks, a bank of questions for each
/// phase of a coaching conversation, for the coach and for the learner, in each programme.

/// The phases of a coaching conversation, in conversation order, as the wire names them.
public enum QuestionPhaseName {
    public static let all = ["check-in", "goal", "reality", "options", "next-step", "review"]
}

/// Who asks a question, as the wire names it.
public enum QuestionAudienceName {
    public static let all = ["coach", "learner"]
}

/// The programmes, as the wire names them.
public enum ProgrammeName {
    public static let all = ["incremental", "peer"]
}

/// One question of the bank.
public struct QuestionInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var phase: String
    /// `coach` or `learner`.
    public var `for`: String
    public var programme: String
    public var text: String

    public init(id: Int64, phase: String, for audience: String, programme: String, text: String) {
        self.id = id
        self.phase = phase
        self.for = audience
        self.programme = programme
        self.text = text
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "question id (for questions.remove)"),
        RPCField("phase", .oneOf(QuestionPhaseName.all), "the phase of the conversation"),
        RPCField("for", .oneOf(QuestionAudienceName.all), "who asks it: the coach, or the learner of themself"),
        RPCField("programme", .oneOf(ProgrammeName.all), "incremental (teachers) or peer (heads)"),
        RPCField("text", .string(), "the question"),
    ])
}

/// The questions of one phase.
public struct QuestionPhaseGroup: Codable, Sendable, Hashable, RPCDescribed {
    public var phase: String
    public var questions: [QuestionInfo]

    public init(phase: String, questions: [QuestionInfo]) {
        self.phase = phase
        self.questions = questions
    }

    public static let schema: RPCSchema = .object([
        RPCField("phase", .oneOf(QuestionPhaseName.all), "the phase of the conversation"),
        RPCField("questions", .array(QuestionInfo.schema), "its questions: by programme, coach before learner"),
    ])
}

/// What `questions.list` returns.
public struct QuestionList: Codable, Sendable, Hashable, RPCDescribed {
    /// Phases in conversation order; a phase with no matching question is left out.
    public var phases: [QuestionPhaseGroup]

    public init(phases: [QuestionPhaseGroup]) { self.phases = phases }

    public static let schema: RPCSchema = .object([
        RPCField(
            "phases", .array(QuestionPhaseGroup.schema),
            "in conversation order (check-in, goal, reality, options, next-step, review); empty phases left out")
    ])
}

public enum QuestionsList: RPCMethod {
    public static let name = "questions.list"
    public static let summary =
        "The questioning frameworks: questions grouped by phase of the conversation, optionally of one phase, for the coach or the learner, in one programme. Anyone known."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var phase: String?
        public var `for`: String?
        public var programme: String?

        public init(phase: String? = nil, for audience: String? = nil, programme: String? = nil) {
            self.phase = phase
            self.for = audience
            self.programme = programme
        }

        public static let fields = [
            RPCField("phase", .oneOf(QuestionPhaseName.all), required: false, "only this phase"),
            RPCField("for", .oneOf(QuestionAudienceName.all), required: false, "only the coach's or the learner's"),
            RPCField("programme", .oneOf(ProgrammeName.all), required: false, "only this programme"),
        ]
    }
    public typealias Result = QuestionList
}

public enum QuestionsAdd: RPCMethod {
    public static let name = "questions.add"
    public static let summary =
        "Adds a question to the bank (the same text twice in one phase, audience and programme is a Conflict). Admins only."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var phase: String
        public var `for`: String
        public var programme: String
        public var text: String

        public init(phase: String, for audience: String, programme: String, text: String) {
            self.phase = phase
            self.for = audience
            self.programme = programme
            self.text = text
        }

        public static let fields = [
            RPCField("phase", .oneOf(QuestionPhaseName.all), "the phase of the conversation"),
            RPCField("for", .oneOf(QuestionAudienceName.all), "coach or learner"),
            RPCField("programme", .oneOf(ProgrammeName.all), "incremental or peer"),
            RPCField("text", .string(), "the question: one line, at most 300 characters"),
        ]
    }
    public typealias Result = CreatedID
}

public enum QuestionsRemove: RPCMethod {
    public static let name = "questions.remove"
    public static let summary = "Removes a question from the bank; returns it. Admins only."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var question: Int64

        public init(question: Int64) { self.question = question }

        public static let fields = [RPCField("question", .integer, "question id (questions.list)")]
    }
    public typealias Result = QuestionInfo
}
