import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// Issue 14: the questioning frameworks (`questions.*`). The bank is the same for everyone who
/// may read it; only admins change it.
extension CoachService {
    func questionsList(_ params: QuestionsList.Params, _ peer: Peer) async throws -> QuestionList {
        // Filters are checked before the store is read: a wrong name is refused, not an empty list.
        let phase = try params.phase.map { value throws(DomainError) in try QuestionBank.phase(value) }
        let audience = try params.for.map { value throws(DomainError) in try QuestionBank.audience(value) }
        let programme = try params.programme.map { value throws(DomainError) in try QuestionBank.programme(value) }
        let questions = try await store.read { store in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            return try store.questions()
        }
        let groups = QuestionBank.grouped(questions, phase: phase, audience: audience, programme: programme)
        return QuestionList(
            phases: groups.map { group in
                QuestionPhaseGroup(phase: group.phase.rawValue, questions: group.questions.map(Self.questionInfo))
            })
    }

    func questionsAdd(_ params: QuestionsAdd.Params, _ peer: Peer) async throws -> CreatedID {
        let question = Question(
            id: 0, phase: try QuestionBank.phase(params.phase), audience: try QuestionBank.audience(params.for),
            programme: try QuestionBank.programme(params.programme), text: try QuestionBank.text(params.text))
        return try await change { tx, _ in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard !QuestionBank.isDuplicate(question, in: try tx.questions()) else {
                throw DomainError(
                    .conflict,
                    "the bank already holds this question for the \(question.audience.rawValue) in "
                        + "\(question.phase.rawValue) of the \(question.programme.rawValue) programme", field: "text",
                    hint: "coachctl questions list shows the bank")
            }
            return CreatedID(id: try tx.insert(question))
        }
    }

    func questionsRemove(_ params: QuestionsRemove.Params, _ peer: Peer) async throws -> QuestionInfo {
        try await change { tx, _ in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let question = try tx.question(params.question) else {
                throw DomainError.notFound("question", params.question, field: "question")
            }
            try tx.deleteQuestion(question.id)
            return Self.questionInfo(question)
        }
    }

    static func questionInfo(_ question: Question) -> QuestionInfo {
        QuestionInfo(
            id: question.id, phase: question.phase.rawValue, for: question.audience.rawValue,
            programme: question.programme.rawValue, text: question.text)
    }
}

/// The question bank (issue 14), read by anyone known, edited by admins.
/// Its methods, who may call each, and the handlers above, registered together.
enum QuestionsFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(QuestionsList.self, access: .known) { params, peer in try await service.questionsList(params, peer) }
        table.on(QuestionsAdd.self, access: .admin) { params, peer in try await service.questionsAdd(params, peer) }
        table.on(QuestionsRemove.self, access: .admin) { params, peer in try await service.questionsRemove(params, peer)
        }
    }
}
