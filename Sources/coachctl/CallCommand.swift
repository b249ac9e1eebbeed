import ArgumentParser
import CoachClient
import CoachRPC
import Foundation

/// `coachctl call METHOD [PARAMS]`: any method by its wire name, for scripts and for checking what
/// the daemon answers; like `varlinkctl call`. The result is printed as JSON.
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call any method by name with JSON params; print its result as JSON.",
        discussion: """
            For scripts and debugging: `coachctl call daemon.info`, `coachctl call pairs.show '{"pair":1}'`. \
            `coachctl call rpc.discover` lists every method and its params. Errors are reported and exit \
            as for every other command (1 when the daemon refuses); with --json the error object \
            (code, message, data.name) is also printed on stdout.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The method's wire name, e.g. pairs.show.", valueName: "METHOD"))
    var method: String

    @Argument(help: ArgumentHelp("Named params, as one JSON object (default: {}).", valueName: "PARAMS"))
    var params: String = "{}"

    func run() throws {
        let decoded: JSONValue
        do {
            decoded = try JSONDecoder().decode(JSONValue.self, from: Data(params.utf8))
        } catch {
            throw UsageError(
                message: "PARAMS is not JSON: \(params)", hint: #"give one JSON object, e.g. '{"pair":1}'"#)
        }
        guard case .object(let members) = decoded else {
            throw UsageError(
                message: "PARAMS must be a JSON object of named params, got \(decoded.typeName)",
                hint: #"e.g. '{"pair":1}'; coachd takes named params only"#)
        }
        let session = try global.session()
        do {
            print(Output.json(try session.client.call(method, params: members)))
        } catch {
            // With --json a script also gets the error object (code, message, data.name) on stdout.
            if global.json, let rpcError = error.rpcError { print(Output.json(["error": rpcError])) }
            throw error
        }
    }
}
