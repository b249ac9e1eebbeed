/// Canned daemon results, as coachd sends them.
enum Fixtures {
    static let dueList = """
        {"items":[\
        {"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann Teacher","coach":13,\
        "coachName":"Bob Coach","dropin":21,"dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00",\
        "overdueAt":"2026-03-10T15:30:00+00:00","overdue":false},\
        {"kind":"followup","pair":8,"school":1,"teacher":14,"teacherName":"Cleo Teacher","coach":13,\
        "coachName":"Bob Coach","dropin":19,"dueDate":"2026-03-04","dueAt":"2026-03-04T15:30:00+00:00",\
        "overdueAt":"2026-03-05T15:30:00+00:00","overdue":true}]}
        """

    static func pair(_ id: Int, teacher: String, coach: String) -> String {
        """
        {"id":\(id),"school":1,"teacher":\(id + 5),"teacherName":"\(teacher)","coach":13,"coachName":"\(coach)",\
        "focus":"questioning: wait time","hasFocus":true,\
        "adaptation":{"id":4,"pair":\(id),"text":"wait five seconds","setOn":"2026-03-02","schoolDays":5,\
        "practiseUntil":"2026-03-09","active":true}}
        """
    }

    static let onePair = #"{"pairs":[\#(pair(7, teacher: "Ann Teacher", coach: "Bob Coach"))]}"#
    static let twoPairs = """
        {"pairs":[\(pair(7, teacher: "Ann Teacher", coach: "Bob Coach")),\
        \(pair(8, teacher: "Cleo Teacher", coach: "Bob Coach"))]}
        """

    static let notFound = """
        {"code":-32001,"message":"pair 99 not found","data":{"name":"NotFound","field":"pair",\
        "hint":"coachctl pair list shows the pairs you may see"}}
        """

    static let adaptationActive = """
        {"code":-32006,"message":"pair 7 already has an active adaptation (4)",\
        "data":{"name":"AdaptationAlreadyActive","field":"closePrevious","hint":"pass closePrevious"}}
        """

    static let permissionDenied = """
        {"code":-32002,"message":"uid 1000 is not linked to a person","data":{"name":"PermissionDenied"}}
        """
}
