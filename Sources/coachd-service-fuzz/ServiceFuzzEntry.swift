// The service-level fuzz target. Built by `make fuzz-service` with `-sanitize=fuzzer -DFUZZING`, this
// file is only libFuzzer's entry point. In an ordinary build it replays inputs instead:
// `coachd-service-fuzz FILE|DIR…` runs every file through the same checks, and
// `coachd-service-fuzz --write-seeds DIR` writes the seed scripts.
import CoachDaemon
import Foundation

#if FUZZING
    /// libFuzzer calls this once per generated input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let data else { return 0 }
        ServiceFuzzing.check(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    /// libFuzzer's driver, started from SwiftPM's entry point (as in coachd-fuzz).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// Hands the command line to libFuzzer.
    @main
    struct ServiceFuzzMain {
        static func main() {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        }
    }
#else
    /// Replays files (or every file of a directory) through the service's fuzz checks.
    @main
    struct ReplayServiceFuzzInputs {
        static func main() {
            let paths = Array(CommandLine.arguments.dropFirst())
            if paths.count == 2, paths[0] == "--write-seeds" {
                do {
                    try FileManager.default.createDirectory(atPath: paths[1], withIntermediateDirectories: true)
                    for (index, seed) in ServiceFuzzing.seeds().enumerated() {
                        try Data(seed).write(to: URL(fileURLWithPath: "\(paths[1])/seed-\(index)"))
                    }
                } catch {
                    FileHandle.standardError.write(Data("coachd-service-fuzz: cannot write the seeds: \(error)\n".utf8))
                    exit(73)
                }
                return
            }
            if paths.isEmpty || paths.first?.hasPrefix("-") == true {
                FileHandle.standardError.write(
                    Data("usage: coachd-service-fuzz FILE|DIR...  |  coachd-service-fuzz --write-seeds DIR\n".utf8))
                exit(64)
            }
            var count = 0
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    FileHandle.standardError.write(Data("coachd-service-fuzz: no such file: \(path)\n".utf8))
                    exit(66)
                }
                let names =
                    isDirectory.boolValue ? (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] : []
                for file in isDirectory.boolValue ? names.sorted().map({ "\(path)/\($0)" }) : [path] {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    ServiceFuzzing.check(Array(data))
                    count += 1
                }
            }
            print("coachd-service-fuzz: \(count) inputs replayed, every property held")
        }
    }
#endif
