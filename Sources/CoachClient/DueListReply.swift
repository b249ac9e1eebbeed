public import CoachRPC
import CoachctlCore
public import Foundation

/// `coachctl due`'s reply and request by hand, for coachctl-full: CoachctlCore's `DueReply` (the
/// one reader, which the `coachctl` front uses too) made into `DueList`. Nil wherever `DueReply`
/// gives nil, and the caller decodes the line with `JSONDecoder` as before.
public enum DueListReply {
    /// The result of the reply `line` to the request with `id`; nil when `JSONDecoder` must read it.
    public static func decode(_ line: Data, id: Int64) -> DueList? {
        line.withUnsafeBytes { DueReply.items(line: $0, id: id) }.map(dueList)
    }

    /// The request line for `due.list` with `params` and `id`, newline included, byte for byte as
    /// `RPCCodec.encoder` writes it; nil when a text would need escaping, for `JSONEncoder` to write.
    public static func request(_ params: DueListMethod.Params, id: Int64) -> Data? {
        DueReply.request(
            school: params.school, overdueOnly: params.overdueOnly, from: params.from, to: params.to,
            method: DueListMethod.name, id: id
        ).map { Data($0.utf8) }
    }

    /// The same for the result alone (`{"items":[…]}`), as `JSONDecoder().decode(DueList.self, …)`.
    public static func decodeResult(_ json: Data) -> DueList? {
        json.withUnsafeBytes { DueReply.items(result: $0) }.map(dueList)
    }

    /// Every member of a due item the reader reads (checked against `DueItemInfo.schema`).
    public static var itemMembers: Set<String> { DueReply.itemMembers }

    private static func dueList(_ items: [DueItem]) -> DueList {
        DueList(
            items: items.map {
                DueItemInfo(
                    kind: $0.kind, pair: $0.pair, school: $0.school, teacher: $0.teacher, teacherName: $0.teacherName,
                    coach: $0.coach, coachName: $0.coachName, dropin: $0.dropin, dueDate: $0.dueDate, dueAt: $0.dueAt,
                    overdueAt: $0.overdueAt, overdue: $0.overdue, period: $0.period, group: $0.group,
                    groupName: $0.groupName, term: $0.term)
            })
    }
}
