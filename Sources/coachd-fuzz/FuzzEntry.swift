// The fuzz target. Built by `make fuzz` with `-sanitize=fuzzer -parse-as-library -DFUZZING`, this
// file is only libFuzzer's entry point. In an ordinary build it replays inputs instead:
// `coachd-fuzz FILE|DIR…` runs every file through the same checks (what `make fuzz-replay` does).
import CoachFuzzing
import Foundation

#if FUZZING
    /// libFuzzer calls this once per generated input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let data else { return 0 }
        FuzzHarness.check(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    /// libFuzzer's driver (`LLVMFuzzerRunDriver`, in the runtime `-sanitize=fuzzer` links). SwiftPM
    /// gives every executable its own entry point, so the driver is started from there.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// Hands the command line to libFuzzer.
    @main
    struct FuzzMain {
        static func main() {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        }
    }
#else
    /// Replays files (or every file of a directory) through the fuzz checks.
    @main
    struct ReplayFuzzInputs {
        static func main() {
            let paths = CommandLine.arguments.dropFirst()
            if paths.first == "--write-seeds", paths.count == 3 {
                writeSeeds(corpus: paths[paths.startIndex + 1], dictionary: paths[paths.startIndex + 2])
                return
            }
            if paths.isEmpty || paths.first?.hasPrefix("-") == true {
                FileHandle.standardError.write(
                    Data("usage: coachd-fuzz FILE|DIR...  |  coachd-fuzz --write-seeds CORPUS-DIR DICT-FILE\n".utf8))
                exit(64)
            }
            var count = 0
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    FileHandle.standardError.write(Data("coachd-fuzz: no such file: \(path)\n".utf8))
                    exit(66)
                }
                let names =
                    isDirectory.boolValue ? (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] : []
                let files = isDirectory.boolValue ? names.sorted().map { "\(path)/\($0)" } : [path]
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    FuzzHarness.check(Array(data))
                    count += 1
                }
            }
            print("coachd-fuzz: \(count) inputs replayed, every property held")
        }

        /// Writes the generated seed corpus and dictionary (replacing earlier generated seeds).
        static func writeSeeds(corpus: String, dictionary: String) {
            do {
                try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
                for (name, text) in FuzzSeeds.corpus {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(corpus)/\(name)"))
                }
                for (name, bytes) in FuzzSeeds.binaryCorpus {
                    try Data(bytes).write(to: URL(fileURLWithPath: "\(corpus)/\(name)"))
                }
                try Data(FuzzSeeds.dictionary.utf8).write(to: URL(fileURLWithPath: dictionary))
            } catch {
                FileHandle.standardError.write(Data("coachd-fuzz: cannot write the seeds: \(error)\n".utf8))
                exit(73)
            }
            print(
                "coachd-fuzz: \(FuzzSeeds.corpus.count + FuzzSeeds.binaryCorpus.count) seeds in \(corpus), dictionary \(dictionary)"
            )
        }
    }
#endif
