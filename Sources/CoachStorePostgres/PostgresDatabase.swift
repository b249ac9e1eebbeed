// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachStore
    import Foundation
    import Logging
    import NIOCore
    import PostgresNIO

    // A small synchronous layer over one postgres-nio connection, shaped like the part of GRDB the
    // SQLite store uses (`Row.fetchAll(db, sql:arguments:)`, `db.cachedStatement(sql:)`, `row["name"]`,
    // `db.lastInsertedRowID`, `db.changesCount`), so `PostgresAccess` keeps the SQLite store's queries
    // side by side with its own and the two stay easy to compare. It runs on the store's own threads
    // and blocks there on postgres-nio's futures, never on an event loop.

    /// One value of a row or of a statement's arguments.
    enum DatabaseValue: Sendable, Hashable {
        case null
        case int(Int64)
        case double(Double)
        case text(String)
        case bool(Bool)
    }

    /// A Swift value that can be bound as a statement argument.
    protocol DatabaseValueConvertible {
        var databaseValue: DatabaseValue { get }
    }

    /// A Swift value a column can be read as (optionals: NULL reads as nil).
    protocol DatabaseValueDecodable {
        static func decode(_ value: DatabaseValue) -> Self?
    }

    extension Int64: DatabaseValueConvertible, DatabaseValueDecodable {
        var databaseValue: DatabaseValue { .int(self) }
        static func decode(_ value: DatabaseValue) -> Int64? {
            switch value {
            case .int(let v): v
            case .bool(let v): v ? 1 : 0
            case .double(let v): Int64(exactly: v)
            case .text(let v): Int64(v)
            case .null: nil
            }
        }
    }

    extension Int: DatabaseValueConvertible, DatabaseValueDecodable {
        var databaseValue: DatabaseValue { .int(Int64(self)) }
        static func decode(_ value: DatabaseValue) -> Int? { Int64.decode(value).flatMap { Int(exactly: $0) } }
    }

    extension Double: DatabaseValueConvertible, DatabaseValueDecodable {
        var databaseValue: DatabaseValue { .double(self) }
        static func decode(_ value: DatabaseValue) -> Double? {
            switch value {
            case .double(let v): v
            case .int(let v): Double(v)
            case .text(let v): Double(v)
            case .bool, .null: nil
            }
        }
    }

    extension String: DatabaseValueConvertible, DatabaseValueDecodable {
        var databaseValue: DatabaseValue { .text(self) }
        static func decode(_ value: DatabaseValue) -> String? {
            if case .text(let v) = value { return v }
            return nil
        }
    }

    extension Bool: DatabaseValueConvertible, DatabaseValueDecodable {
        var databaseValue: DatabaseValue { .bool(self) }
        static func decode(_ value: DatabaseValue) -> Bool? {
            switch value {
            case .bool(let v): v
            case .int(let v): v != 0
            case .double, .text, .null: nil
            }
        }
    }

    extension Optional: DatabaseValueDecodable where Wrapped: DatabaseValueDecodable {
        static func decode(_ value: DatabaseValue) -> Wrapped?? {
            if case .null = value { return .some(nil) }
            return Wrapped.decode(value).map { .some($0) }
        }
    }

    /// A statement's arguments, in order (`?` or `?N` in the SQL).
    struct StatementArguments: ExpressibleByArrayLiteral, Sendable {
        var values: [DatabaseValue]

        init(arrayLiteral elements: (any DatabaseValueConvertible)?...) {
            values = elements.map { $0?.databaseValue ?? .null }
        }

        init(_ values: [some DatabaseValueConvertible]) { self.values = values.map(\.databaseValue) }

        static func += (lhs: inout StatementArguments, rhs: StatementArguments) { lhs.values += rhs.values }

        var bindings: PostgresBindings {
            var bindings = PostgresBindings(capacity: values.count)
            for value in values {
                switch value {
                case .null: bindings.appendNull()
                case .int(let v): bindings.append(v)
                case .double(let v): bindings.append(v)
                case .text(let v): bindings.append(v)
                case .bool(let v): bindings.append(v)
                }
            }
            return bindings
        }
    }

    /// Where each column of a result stands, found once per result (as `Columns` in the SQLite store).
    struct Columns: Sendable {
        private let positions: [String: Int]

        init(_ names: [String]) {
            var positions: [String: Int] = [:]
            for (index, name) in names.enumerated() where positions[name.lowercased()] == nil {
                positions[name.lowercased()] = index
            }
            self.positions = positions
        }

        init(_ row: Row) { self = row.columns }

        /// The position of the column `name`. Decoders name the columns of their own table, so a
        /// missing one is a programming error (as in the SQLite store); the conformance suite reads
        /// every decoder.
        subscript(_ name: String) -> Int {
            guard let position = positions[name] else { preconditionFailure("the result has no column \(name)") }
            return position
        }

        func contains(_ name: String) -> Bool { positions[name] != nil }
    }

    /// One row of a result, decoded from PostgreSQL's binary format into plain values.
    struct Row: Sendable {
        let values: [DatabaseValue]
        let columns: Columns

        /// The column at `index` as `T`. A value of another type than the column's is a programming
        /// error of the query (as GRDB's conversion failure is).
        subscript<T: DatabaseValueDecodable>(_ index: Int) -> T {
            guard index < values.count, let value = T.decode(values[index]) else {
                preconditionFailure("column \(index) cannot be read as \(T.self)")
            }
            return value
        }

        subscript<T: DatabaseValueDecodable>(_ name: String) -> T { self[columns[name]] }

        /// The rows of `statement`.
        static func fetchAll(_ statement: Statement, arguments: StatementArguments = []) throws -> [Row] {
            try statement.db.run(statement.postgresSQL, arguments).rows
        }

        static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Row] {
            try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
        }

        static func fetchOne(_ statement: Statement, arguments: StatementArguments = []) throws -> Row? {
            try fetchAll(statement, arguments: arguments).first
        }

        static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Row? {
            try fetchAll(db, sql: sql, arguments: arguments).first
        }

        static func fetchCursor(_ statement: Statement, arguments: StatementArguments = []) throws -> RowCursor {
            RowCursor(rows: try fetchAll(statement, arguments: arguments))
        }

        static func fetchCursor(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> RowCursor {
            RowCursor(rows: try fetchAll(db, sql: sql, arguments: arguments))
        }
    }

    /// The rows of a result, one at a time (already all read: PostgreSQL sends the whole result).
    struct RowCursor {
        private var iterator: IndexingIterator<[Row]>
        init(rows: [Row]) { iterator = rows.makeIterator() }
        mutating func next() throws -> Row? { iterator.next() }
    }

    extension DatabaseValueDecodable {
        /// The first column of the first row, nil when there is no row or it is NULL.
        static func fetchOne(_ statement: Statement, arguments: StatementArguments = []) throws -> Self? {
            guard let row = try Row.fetchOne(statement, arguments: arguments), let first = row.values.first else {
                return nil
            }
            if case .null = first { return nil }
            return row[0] as Self
        }

        static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Self? {
            try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
        }

        /// The first column of every row.
        static func fetchAll(_ statement: Statement, arguments: StatementArguments = []) throws -> [Self] {
            try Row.fetchAll(statement, arguments: arguments).map { $0[0] as Self }
        }

        static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Self] {
            try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
        }
    }

    /// A statement: its SQL with PostgreSQL's `$n` placeholders, converted once and kept.
    struct Statement {
        let db: Database
        let postgresSQL: String

        func execute(arguments: StatementArguments = []) throws {
            _ = try db.run(postgresSQL, arguments)
        }
    }

    /// What a query answered.
    struct QueryOutcome {
        var rows: [Row]
        var affected: Int
    }

    /// One connection, used by one thread at a time (the store hands it out).
    final class Database: @unchecked Sendable {
        let connection: PostgresConnection
        private let logger: Logger
        /// Converted SQL by the SQLite-style text it came from.
        private var statements: [String: String] = [:]
        /// The id of the row the last INSERT added (its `id` column, or its first), as SQLite's rowid.
        private(set) var lastInsertedRowID: Int64 = 0
        /// How many rows the last INSERT, UPDATE or DELETE changed.
        private(set) var changesCount = 0
        /// A read transaction's BEGIN, sent and not yet waited for (`beginPipelined`).
        private var pendingBegin: EventLoopFuture<PostgresQueryResult>?

        init(connection: PostgresConnection, logger: Logger) {
            self.connection = connection
            self.logger = logger
        }

        /// Closed and waited for: postgres-nio requires a connection to be closed before it goes. This
        /// runs where the store drops its last reference (its own threads or a task), never on an event loop.
        deinit { try? connection.close().wait() }

        func cachedStatement(sql: String) throws -> Statement {
            if let converted = statements[sql] { return Statement(db: self, postgresSQL: converted) }
            let converted = Self.convert(sql)
            statements[sql] = converted
            return Statement(db: self, postgresSQL: converted)
        }

        /// Runs SQL that may hold several statements and no arguments (migrations), or one with arguments.
        func execute(sql: String, arguments: StatementArguments = []) throws {
            if arguments.values.isEmpty && sql.contains(";") {
                _ = try simple(sql)
            } else {
                _ = try run(try cachedStatement(sql: sql).postgresSQL, arguments)
            }
        }

        /// Sends a read transaction's BEGIN without waiting for it: the body's first statement is queued
        /// right behind it on the connection, and both answers are waited for together, so a read costs
        /// this thread one wake-up less (issue 15, B17). The next statement (the body's first, or the
        /// COMMIT or ROLLBACK) waits for it first and throws `BeginFailed` when it failed. Only for
        /// read-only transactions: a statement that ran after a failed BEGIN ran outside any
        /// transaction, harmless for a read, never acceptable for a write.
        func beginPipelined(_ sql: String) {
            pendingBegin = connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }

        /// Ends a read-only transaction without waiting: COMMIT is queued on the connection and its
        /// answer dropped (issue 15, B17). Only for read-only transactions, whose COMMIT neither changes
        /// nor reports anything; a lost connection shows on its next use, as for any statement.
        func commitPipelined() {
            pendingBegin = nil
            _ = connection.query(PostgresQuery(unsafeSQL: "COMMIT"), logger: logger)
        }

        /// Waits for the BEGIN `beginPipelined` sent, if any (once).
        private func settleBegin() throws {
            guard let begin = pendingBegin else { return }
            pendingBegin = nil
            do {
                _ = try wait(for: begin)
            } catch {
                throw BeginFailed(error: error)
            }
        }

        /// Runs one statement with arguments, waiting for its whole result.
        func run(_ sql: String, _ arguments: StatementArguments) throws -> QueryOutcome {
            let query = PostgresQuery(unsafeSQL: sql, binds: arguments.bindings)
            let future = connection.query(query, logger: logger)
            try settleBegin()
            let result = try wait(for: future)
            let rows = Self.rows(result.rows)
            let affected = result.metadata.rows ?? rows.count
            if sql.hasPrefix("INSERT") {
                changesCount = rows.count
                if let last = rows.last {
                    let position = last.columns.contains("id") ? last.columns["id"] : 0
                    lastInsertedRowID = Int64.decode(last.values[position]) ?? 0
                }
            } else if sql.hasPrefix("UPDATE") || sql.hasPrefix("DELETE") {
                changesCount = affected
            }
            return QueryOutcome(rows: rows, affected: affected)
        }

        /// Sends a statement without waiting for it: `rows(of:)` waits. A read sends several statements that
        /// do not depend on each other this way, so their round trips overlap (issue 15, B17).
        func send(_ statement: Statement, _ arguments: StatementArguments) -> EventLoopFuture<[PostgresRow]> {
            connection.query(PostgresQuery(unsafeSQL: statement.postgresSQL, binds: arguments.bindings), logger: logger)
                .map(\.rows)
        }

        /// The rows of a statement `send` sent (after the pipelined BEGIN, if any).
        func rows(of sent: EventLoopFuture<[PostgresRow]>) throws -> [Row] {
            try settleBegin()
            return Self.rows(try wait(for: sent))
        }

        /// Runs SQL text with no arguments, statement by statement (several allowed: a migration).
        func simple(_ sql: String) throws {
            for statement in Self.statements(sql) {
                let future = connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                try settleBegin()
                _ = try wait(for: future)
            }
        }

        /// The statements of SQL text, split at the semicolons outside quotes and `$$` bodies.
        static func statements(_ sql: String) -> [String] {
            var out: [String] = []
            var current = ""
            var quote: Character?
            var dollar = false
            var previous: Character = " "
            for c in sql {
                current.append(c)
                if dollar {
                    if c == "$" && previous == "$" {
                        dollar = false
                        previous = " "
                        continue
                    }
                } else if let open = quote {
                    if c == open { quote = nil }
                } else if c == "$" && previous == "$" {
                    dollar = true
                    previous = " "
                    continue
                } else if c == "'" || c == "\"" {
                    quote = c
                } else if c == ";" {
                    current.removeLast()
                    let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !statement.isEmpty { out.append(statement) }
                    current = ""
                }
                previous = c
            }
            let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !last.isEmpty { out.append(last) }
            return out
        }

        /// Waits for a query's answer. postgres-nio leaves the answer of a query written to a connection
        /// that has just closed (the server killed between two statements) pending for ever, so the
        /// wait also watches the connection: closed and still no answer a second later is an answer,
        /// `StoreError(.unavailable)`, and the store opens a new connection for the next body. A query
        /// that is merely slow (a lock wait, a long report) is waited for as long as it takes.
        func wait<T: Sendable>(for future: EventLoopFuture<T>) throws -> T {
            let done = DispatchSemaphore(value: 0)
            let outcome = Outcome<T>()
            future.whenComplete { result in
                outcome.set(result)
                done.signal()
            }
            var closedSince: Date?
            while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                guard connection.isClosed else { continue }
                if let since = closedSince {
                    if Date().timeIntervalSince(since) > 1 {
                        throw StoreError(.unavailable, "the connection to PostgreSQL was lost; try again")
                    }
                } else {
                    closedSince = Date()
                }
            }
            guard let result = outcome.get() else {
                throw StoreError(.unavailable, "the connection to PostgreSQL was lost; try again")
            }
            return try result.get()
        }

        /// `?` and `?N` placeholders as `$n`, outside quoted text; an INSERT returns what it added,
        /// for `lastInsertedRowID` and `changesCount`.
        static func convert(_ sql: String) -> String {
            var out = ""
            var next = 1
            var quote: Character?
            var characters = Array(sql)[...]
            while let c = characters.popFirst() {
                if let open = quote {
                    out.append(c)
                    if c == open { quote = nil }
                    continue
                }
                if c == "'" || c == "\"" {
                    quote = c
                    out.append(c)
                    continue
                }
                guard c == "?" else {
                    out.append(c)
                    continue
                }
                var digits = ""
                while let d = characters.first, d.isASCII, d.isNumber {
                    digits.append(d)
                    characters = characters.dropFirst()
                }
                if digits.isEmpty {
                    out += "$\(next)"
                    next += 1
                } else {
                    out += "$\(digits)"
                }
            }
            let trimmed = out.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("INSERT") && !trimmed.contains("RETURNING") { return trimmed + " RETURNING *" }
            return trimmed
        }

        /// A result's rows as plain values. Every row of one result has the same columns (one row
        /// description per query), so where each column stands is found once, from the first row, and
        /// shared by all of them: finding it per row (a dictionary of lowercased names for every row) was
        /// most of the cost of decoding a `due.list` read (issue 15, B17).
        private static func rows(_ result: [PostgresRow]) -> [Row] {
            guard let first = result.first else { return [] }
            var names: [String] = []
            names.reserveCapacity(first.count)
            for cell in first { names.append(cell.columnName) }
            let columns = Columns(names)
            var rows: [Row] = []
            rows.reserveCapacity(result.count)
            for row in result {
                var values: [DatabaseValue] = []
                values.reserveCapacity(names.count)
                for cell in row { values.append(value(cell)) }
                rows.append(Row(values: values, columns: columns))
            }
            return rows
        }

        private static func value(_ cell: PostgresCell) -> DatabaseValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8, .oid:
                return (try? cell.decode(Int64.self)).map(DatabaseValue.int) ?? .null
            case .float4, .float8:
                return (try? cell.decode(Double.self)).map(DatabaseValue.double) ?? .null
            case .bool:
                return (try? cell.decode(Bool.self)).map(DatabaseValue.bool) ?? .null
            default:
                return (try? cell.decode(String.self)).map(DatabaseValue.text) ?? .null
            }
        }
    }

    /// A pipelined BEGIN failed (`Database.beginPipelined`): the transaction never started.
    struct BeginFailed: Error {
        let error: any Error
    }

    /// A future's result, handed from the event loop to the waiting store thread.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<T, any Error>?

        func set(_ value: Result<T, any Error>) {
            lock.lock()
            result = value
            lock.unlock()
        }

        func get() -> Result<T, any Error>? {
            lock.lock()
            defer { lock.unlock() }
            return result
        }
    }
#endif
