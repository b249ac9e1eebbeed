import CoachRPC
import Foundation
import Testing

/// `RPCCodec.decodeParams`: named params only, and every refusal names the field.
struct DecodeParamsTests {
    private func refusal<P: RPCParams>(_ type: P.Type, _ params: [String: JSONValue]) -> RPCError? {
        do {
            _ = try RPCCodec.decodeParams(type, from: params)
            return nil
        } catch {
            return error
        }
    }

    @Test func validParams_decode() throws {
        let params = try RPCCodec.decodeParams(
            PeopleAdd.Params.self, from: ["name": "Ada", "school": 3, "roles": ["teacher", "coach"], "uid": 1001])
        #expect(params == PeopleAdd.Params(name: "Ada", school: 3, roles: ["teacher", "coach"], uid: 1001))
    }

    @Test func optionalParams_mayBeAbsentOrNull() throws {
        #expect(try RPCCodec.decodeParams(PeopleList.Params.self, from: [:]) == PeopleList.Params())
        #expect(try RPCCodec.decodeParams(PeopleList.Params.self, from: ["school": .null]) == PeopleList.Params())
    }

    @Test func noParams_acceptsAnEmptyObject_only() throws {
        #expect(try RPCCodec.decodeParams(NoParams.self, from: [:]) == NoParams())
        let error = refusal(NoParams.self, ["x": 1])
        #expect(error?.code == -32602)
        #expect(error?.data?.field == "x")
        #expect(error?.data?.hint == "this method takes no params")
    }

    @Test func unknownParameter_isNamed_andTheAcceptedOnesListed() {
        let error = refusal(PeopleList.Params.self, ["school": 1, "schol": 1])
        #expect(error?.code == -32602)
        #expect(error?.name == .invalidParams)
        #expect(error?.data?.field == "schol")
        #expect(error?.message == #"unknown parameter "schol""#)
        // people.list gained includeInactive at API level 3 (issue 11): every accepted one is listed.
        #expect(error?.data?.hint == "accepted: school, includeInactive")
    }

    @Test func missingParameter_isNamed() {
        let error = refusal(PeopleAdd.Params.self, ["name": "Ada", "roles": ["teacher"]])
        #expect(error?.code == -32602)
        #expect(error?.data?.field == "school")
        #expect(error?.message.hasPrefix(#"missing parameter "school""#) == true)
    }

    @Test func nullForARequiredParameter_isMissing() {
        let error = refusal(PeopleAdd.Params.self, ["name": .null, "school": 1, "roles": ["teacher"]])
        #expect(error?.data?.field == "name")
        #expect(error?.message.hasPrefix(#"missing parameter "name""#) == true)
    }

    @Test func wrongType_isNamed_withTheExpectedType() {
        let error = refusal(PeopleAdd.Params.self, ["name": "Ada", "school": "one", "roles": ["teacher"]])
        #expect(error?.code == -32602)
        #expect(error?.data?.field == "school")
        #expect(error?.message == #"parameter "school" has the wrong type; expected an integer"#)
    }

    @Test func wrongTypeInsideAnArray_namesTheElement() {
        let error = refusal(PeopleAdd.Params.self, ["name": "Ada", "school": 1, "roles": ["teacher", 5]])
        #expect(error?.data?.field == "roles.1")
        #expect(error?.message.contains("expected an array of one of teacher, coach, lead, head") == true)
    }

    @Test func nullInsideAnArray_namesTheElement() {
        let error = refusal(PeopleAdd.Params.self, ["name": "Ada", "school": 1, "roles": ["teacher", .null]])
        #expect(error?.code == -32602)
        #expect(error?.data?.field == "roles.1")
    }

    @Test func numberBeyondInt64_forAnInteger_isRefused() throws {
        let params = try JSONDecoder().decode(
            [String: JSONValue].self, from: Data(#"{"name":"Ada","school":1e30,"roles":["teacher"]}"#.utf8))
        let error = refusal(PeopleAdd.Params.self, params)
        #expect(error?.data?.field == "school")
        #expect(error?.message == #"parameter "school" has the wrong type; expected an integer"#)
    }

    @Test func fractionalNumber_forAnInteger_isRefused() {
        let error = refusal(PeopleAdd.Params.self, ["name": "Ada", "school": .double(1.5), "roles": ["teacher"]])
        #expect(error?.code == -32602)
        #expect(error?.data?.field == "school")
    }

    @Test func positionalParams_areRefused() {
        guard
            case .single(.request(let request)) = RPCCodec.parse(
                Data(#"{"jsonrpc":"2.0","method":"people.list","params":[1],"id":1}"#.utf8))
        else {
            Issue.record("expected a request")
            return
        }
        let error = refusal(PeopleList.Params.self, request.params)
        #expect(error?.code == -32602)
        #expect(error?.data?.hint == "positional params are not supported")
    }
}
