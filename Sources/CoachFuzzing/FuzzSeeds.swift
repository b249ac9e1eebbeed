import CoachRPC
import Foundation

/// The seed corpus and the libFuzzer dictionary, generated from the wire contract: a valid request
/// for every method and the hostile shapes the daemon must answer well. `make fuzz-seeds` writes
/// them to `Fuzz/corpus` and `Fuzz/coachd.dict`.
public enum FuzzSeeds {
    /// Seed inputs by file name.
    public static var corpus: [String: String] {
        var seeds: [String: String] = [:]
        for method in CoachAPI.methods {
            let params = WireSamples.params(for: method)
            seeds["method-\(method.name)"] = WireSamples.request(method.name, params: params) + "\n"
            if let field = WireSamples.fields(of: method).first, let wrong = WireSamples.wrongTypes(field.schema).first
            {
                var bad = params
                bad[field.name] = wrong
                seeds["wrong-type-\(method.name)"] = WireSamples.request(method.name, params: bad, id: "w") + "\n"
            }
        }
        let ping = #"{"jsonrpc":"2.0","method":"daemon.ping","id":1}"#
        seeds["batch-mixed"] = "[\(ping),{\"jsonrpc\":\"2.0\",\"method\":\"daemon.ping\"},1,{\"method\":\"x\"}]\n"
        seeds["batch-empty"] = "[]\n"
        seeds["notification"] = #"{"jsonrpc":"2.0","method":"due.list","params":{"overdueOnly":true}}"# + "\n"
        seeds["pipelined-crlf"] =
            "\(ping)\r\n\r\n  \n\(ping)\r\n{\"jsonrpc\":\"2.0\",\"method\":\"daemon.info\",\"id\":\"s\"}"
        seeds["not-json"] = #"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"# + "\n"
        seeds["params-array"] = #"{"jsonrpc":"2.0","method":"pairs.show","params":[1],"id":3}"# + "\n"
        seeds["unknown-member"] = #"{"jsonrpc":"2.0","method":"daemon.ping","id":1,"extra":{}}"# + "\n"
        seeds["ids"] =
            #"[{"jsonrpc":"2.0","method":"daemon.ping","id":null},{"jsonrpc":"2.0","method":"daemon.ping","id":-1.5e3},{"jsonrpc":"2.0","method":"daemon.ping","id":"\u00e9\ud83d\ude00"}]"#
            + "\n"
        seeds["huge-numbers"] =
            #"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":123456789012345678901234567890},"id":1e400}"#
            + "\n"
        seeds["duplicate-keys"] =
            #"{"jsonrpc":"2.0","method":"daemon.ping","method":"daemon.status","params":{"pair":1,"p\u0061ir":2},"id":1}"#
            + "\n"
        seeds["nested"] =
            #"{"jsonrpc":"2.0","method":"people.add","params":{"roles":"# + String(repeating: "[", count: 40)
            + String(repeating: "]", count: 40) + #"},"id":1}"# + "\n"
        seeds["escapes"] =
            #"{"jsonrpc":"2.0","method":"cycles.start","params":{"pair":1,"focus":"a\nb\"\\\/\t\u0000"},"id":"\r"}"#
            + "\n"
        seeds["invalid-utf8"] = "{\"jsonrpc\":\"2.0\",\"method\":\"daemon.ping\",\"id\":\"\u{FFFD}\"}\n"
        seeds["long-line"] =
            "{\"jsonrpc\":\"2.0\",\"method\":\"daemon.ping\",\"id\":\"" + String(repeating: "x", count: 40) + "\"}\n"
        return seeds
    }

    /// Seeds whose bytes are not valid UTF-8 (a String cannot hold them).
    public static var binaryCorpus: [String: [UInt8]] {
        [
            "invalid-utf8-bytes": Array(#"{"jsonrpc":"2.0","method":"daemon.ping","id":""#.utf8) + [0xFF, 0xC0, 0xAF]
                + Array("\"}\n".utf8),
            "nul-and-bom": [0xEF, 0xBB, 0xBF] + Array(#"{"jsonrpc":"2.0","method":"daemon.ping","id":1}"#.utf8) + [
                0, 10,
            ],
        ]
    }

    /// libFuzzer dictionary entries: JSON tokens, envelope members, method and parameter names.
    public static var dictionary: String {
        var tokens = [
            "{", "}", "[", "]", ":", ",", "\"", "\\\"", "\\\\", "\\u", "\\ud83d", "true", "false", "null", "-",
            "1e999", "0.5", "\\n", "\\r",
            "\"jsonrpc\"", "\"2.0\"", "\"method\"", "\"params\"", "\"id\"",
        ]
        for method in CoachAPI.methods {
            tokens.append("\"\(method.name)\"")
            for field in WireSamples.fields(of: method) { tokens.append("\"\(field.name)\"") }
        }
        var seen = Set<String>()
        return tokens.filter { seen.insert($0).inserted }.enumerated().map { index, token in
            let escaped = token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            return "t\(index)=\"\(escaped)\""
        }.joined(separator: "\n") + "\n"
    }
}
