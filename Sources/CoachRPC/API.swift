/// The API as a whole: its level, every method, and the OpenRPC document built from them.
public enum CoachAPI {
    /// The API level this contract defines. Raised when methods or members are added; a change
    /// that would break a client is a new method instead (Docs/API-Changelog.md).
    public static let level = 16

    /// Every method, in the order the docs list them.
    public static let methods: [any RPCMethod.Type] = [
        DaemonPing.self, DaemonInfo.self, DaemonStatus.self, RPCDiscover.self, PeopleMe.self,
        SchoolsAdd.self, SchoolsList.self, CalendarAddClosure.self, CalendarAddTerm.self, CalendarSchoolDays.self,
        PeopleAdd.self, PeopleList.self, PairsCreate.self, PairsShow.self, PairsList.self,
        CyclesStart.self, DropInsSchedule.self, DropInsComplete.self, FollowUpsComplete.self,
        AdaptationsSet.self, AdaptationsClose.self, DueListMethod.self,
        BackupCreate.self, BackupRead.self, BackupFinish.self,
        CalendarList.self, CalendarRemoveClosure.self, CalendarRemoveTerm.self, PeopleUpdate.self,
        PeopleDeactivate.self, PairsEnd.self, DropInsList.self, DropInsCancel.self, DropInsReschedule.self,
        DropInsLog.self, SchoolsStatus.self, AgendaListMethod.self, CoverageListMethod.self, ReportsSummary.self,
        PeopleImport.self, PeopleExport.self, PeopleErase.self,
        CalendarImportMethod.self, CalendarExportMethod.self,
        EventsSubscribe.self,
        RegionsAdd.self, RegionsList.self, SchoolsSetRegion.self, PeopleAccredit.self, PeriodsAdd.self,
        PeriodsList.self, PeersCreate.self, PeersList.self, PeersSuggest.self, SessionsSchedule.self,
        SessionsComplete.self, SessionsList.self, SessionsCancel.self,
        QuestionsList.self, QuestionsAdd.self, QuestionsRemove.self,
        AgreementsSet.self, AgreementsAccept.self, AgreementsList.self, GroupsCreate.self, GroupsScheduleMeeting.self,
        GroupsCompleteMeeting.self, ThemesAdd.self, ThemesConsent.self, ThemesList.self,
        ReportsProgramme.self,
        GroupsList.self,
    ]

    /// The OpenRPC 1.2 document for `rpc.discover` and Docs/openrpc.json.
    public static func openRPC(version: String) -> JSONValue {
        let methodDocs: [JSONValue] = methods.map { method in
            method.openRPCMethod
        }
        let errors: [JSONValue] = RPCErrorName.all.map { name in
            ["code": .int(Int64(name.code)), "message": .string(name.rawValue)]
        }
        return [
            "openrpc": "1.2.6",
            "info": [
                "title": "coachd",
                "version": .string(version),
                "description": .string(
                    "JSON-RPC 2.0 over a Unix socket, one JSON text per line. Named params only. API level \(level)."),
            ],
            "methods": .array(methodDocs),
            "components": ["x-errors": .array(errors)],
        ]
    }
}

extension RPCMethod {
    static var openRPCMethod: JSONValue {
        let params: [JSONValue] = Params.fields.map { field in
            [
                "name": .string(field.name),
                "required": .bool(field.required),
                "description": .string(field.summary),
                "schema": field.schema.jsonSchema,
            ]
        }
        return [
            "name": .string(name),
            "summary": .string(summary),
            "paramStructure": "by-name",
            "params": .array(params),
            "result": ["name": "result", "schema": Result.schema.jsonSchema],
            "x-since-api-level": .int(Int64(since)),
        ]
    }
}

/// Where the socket is: defined once, used by daemon and CLI alike.
public enum SocketPath {
    /// The system socket, held by `coachd.socket` under systemd.
    public static let system = "/run/coachd/coachd.sock"
    /// The embedded default for a checkout: `make run` serves here.
    public static let local = ".coachd/coachd.sock"
    /// The environment variable both sides read.
    public static let environmentKey = "COACHD_SOCKET"

    /// The path a client uses: the flag, else `COACHD_SOCKET`, else the system socket when it
    /// exists, else the local one.
    public static func resolve(flag: String?, environment: [String: String], exists: (String) -> Bool) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let env = environment[environmentKey], !env.isEmpty { return env }
        if exists(system) { return system }
        return local
    }
}
