public import CoachDomain
import GRDB

/// The question bank's reads and writes (issue 14), apart from the rest of the store so each
/// concern keeps its queries in one place.
public protocol QuestionReading {
    /// Every question of the bank, in id order.
    func questions() throws -> [Question]
    /// One question, by id.
    func question(_ id: Int64) throws -> Question?
}

/// The question bank's writes.
public protocol QuestionWriting: QuestionReading {
    /// Adds a question; returns its id.
    func insert(_ question: Question) throws -> Int64
    /// Removes a question; returns whether there was one.
    @discardableResult func deleteQuestion(_ id: Int64) throws -> Bool
}

extension SQLiteStore {
    /// `v8-questions`: the questioning frameworks, filled with the default bank in the same
    /// migration, so it is loaded exactly once, on the first start of a build that has it: a
    /// question removed later never comes back at a restart.
    static func registerQuestionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-questions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE question (
                        id INTEGER PRIMARY KEY,
                        programme TEXT NOT NULL CHECK (programme IN ('incremental', 'peer')),
                        phase TEXT NOT NULL
                            CHECK (phase IN ('check-in', 'goal', 'reality', 'options', 'next-step', 'review')),
                        audience TEXT NOT NULL CHECK (audience IN ('coach', 'learner')),
                        text TEXT NOT NULL CHECK (length(text) > 0)
                    );
                    CREATE INDEX question_phase ON question(phase, id);
                    """)
            for question in try QuestionBank.defaults() {
                _ = try SQLiteAccess.insertQuestion(question, db)
            }
        }
    }
}

extension SQLiteAccess: QuestionWriting {
    func questions() throws -> [Question] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM question ORDER BY id")).compactMap(Self.question)
    }

    func question(_ id: Int64) throws -> Question? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM question WHERE id = ?"), arguments: [id])
            .flatMap(Self.question)
    }

    func insert(_ question: Question) throws -> Int64 {
        try Self.insertQuestion(question, db)
    }

    func deleteQuestion(_ id: Int64) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM question WHERE id = ?").execute(arguments: [id])
        return db.changesCount > 0
    }

    static func insertQuestion(_ question: Question, _ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO question (programme, phase, audience, text) VALUES (?, ?, ?, ?)")
            .execute(arguments: [
                question.programme.rawValue, question.phase.rawValue, question.audience.rawValue, question.text,
            ])
        return db.lastInsertedRowID
    }

    /// A row as a question (the CHECKs keep every row readable; one that is not is left out).
    static func question(_ row: Row) -> Question? {
        guard let phase = Question.Phase(rawValue: row["phase"]),
            let audience = Question.Audience(rawValue: row["audience"]),
            let programme = Question.Programme(rawValue: row["programme"])
        else { return nil }
        return Question(id: row["id"], phase: phase, audience: audience, programme: programme, text: row["text"])
    }
}
