#if canImport(Glibc)
import Glibc
#endif

/// Selects the best OpenBLAS core for an executable before it does any work: when OpenBLAS fell
/// back (see `BLASCoreAssessment`) and the user has not set `OPENBLAS_CORETYPE`, it checks each
/// better core in a child process (`<exe> --blas-self-check`, GEMMs against a naive product) and
/// re-executes the program (`execve` of `/proc/self/exe`, same arguments) with the first that passes.
///
/// Never overrides a user's `OPENBLAS_CORETYPE` (it warns instead), never loops (the re-executed
/// process carries `MIXUPLAB_BLAS_CORE_SELECTED` and only confirms), and keeps the original core
/// with a warning when no candidate passes. Call `selectBestCore()` first thing in `main`.
public enum BLASCoreSelection {
    /// The hidden argument that turns the executable into the self-check child.
    public static let selfCheckArgument = "--blas-self-check"
    /// Set (to the core) alongside `OPENBLAS_CORETYPE` in the re-executed process: tells it that
    /// mixuplab, not the user, chose the core.
    public static let markerVariable = "MIXUPLAB_BLAS_CORE_SELECTED"

    /// What an executable should do about its core, decided from the environment and the assessment.
    public enum Plan: Equatable, Sendable {
        /// The core matches the CPU (or nothing better is known): do nothing.
        case keep
        /// The user set `OPENBLAS_CORETYPE`: keep it, warn if it does not match the CPU.
        case keepUserSetting
        /// This process was re-executed with `core`: confirm OpenBLAS honoured it.
        case confirmSelected(core: String)
        /// OpenBLAS fell back: self-check these cores, best first, and re-execute with the first that passes.
        case tryCandidates([String])
    }

    /// The decision for an environment and an assessment (pure; pinned by tests).
    public static func plan(environment: [String: String], assessment: BLASCoreAssessment) -> Plan {
        if let requested = environment["OPENBLAS_CORETYPE"], !requested.isEmpty {
            return environment[markerVariable] == requested ? .confirmSelected(core: requested) : .keepUserSetting
        }
        let candidates = assessment.candidates
        return candidates.isEmpty ? .keep : .tryCandidates(candidates)
    }

    /// Runs the self-check child when `arguments[1]` is `--blas-self-check` (exits), otherwise
    /// carries out `plan` for this process: returns normally, or replaces the process with a
    /// re-executed one on a better core. Warnings go to standard error.
    public static func selectBestCore(arguments: [String] = CommandLine.arguments) {
        if arguments.count > 1, arguments[1] == selfCheckArgument { exit(runSelfCheckChild()) }
        let core = BLASCore.current
        let environment = ProcessEnvironment.current
        switch plan(environment: environment, assessment: core.assessment) {
        case .keep:
            BLASCore.warnOnceIfMismatched()
        case .keepUserSetting:
            BLASCore.warnOnceIfMismatched()
        case .confirmSelected(let selected):
            if BLASCoreAssessment.level(ofCore: core.name) != BLASCoreAssessment.level(ofCore: selected) {
                fputs("warning: mixuplab selected OPENBLAS_CORETYPE=\(selected) but OpenBLAS runs \(core.name); continuing.\n", stderr)
            }
        case .tryCandidates(let candidates):
            var reasons: [String] = []
            for candidate in candidates {
                let status = runChild(arguments: arguments, coreType: candidate)
                if status == 0 {
                    reexecute(arguments: arguments, environment: environment, coreType: candidate)
                    reasons.append("\(candidate): re-execution failed (\(String(cString: strerror(errno))))")
                } else {
                    reasons.append("\(candidate): \(status > 128 ? "crashed (signal \(status - 128))" : "failed the GEMM self-check")")
                }
            }
            fputs("warning: OpenBLAS fell back to its \(core.name) kernels on this \(core.assessment.cpuLevel) CPU and no "
                  + "better core passed the self-check (\(reasons.joined(separator: "; "))); continuing on \(core.name).\n", stderr)
        }
    }

    /// The child's work: the requested core must be the one running, and GEMMs must match the
    /// reference. Returns the exit status (0 = pass).
    private static func runSelfCheckChild() -> Int32 {
        let core = BLASCore.current
        if let requested = core.requestedCoreType,
           BLASCoreAssessment.level(ofCore: core.name) != BLASCoreAssessment.level(ofCore: requested) {
            fputs("blas self-check: OPENBLAS_CORETYPE=\(requested) but OpenBLAS runs \(core.name)\n", stderr)
            return 2
        }
        let failures = BLASSelfCheck.run()
        if failures.isEmpty {
            print("blas self-check passed: \(core.name)")
            return 0
        }
        fputs("blas self-check failed on \(core.name):\n" + failures.joined(separator: "\n") + "\n", stderr)
        return 1
    }

    /// Runs `/proc/self/exe --blas-self-check` with `OPENBLAS_CORETYPE=coreType`; returns its exit
    /// status, 128 + signal when it was killed, or 255 when it could not start.
    private static func runChild(arguments: [String], coreType: String) -> Int32 {
        let childArguments = [arguments.first ?? "mixuplab", selfCheckArgument]
        var environment = ProcessEnvironment.current
        environment["OPENBLAS_CORETYPE"] = coreType
        environment[markerVariable] = coreType
        environment["SWIFT_BACKTRACE"] = "enable=no"
        var pid = pid_t()
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        // Quiet: the parent summarises a failure; a crashing candidate (SIGILL) would print a backtrace.
        posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
        let spawned = withCStrings(childArguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                posix_spawn(&pid, "/proc/self/exe", &fileActions, nil, argv, envp)
            }
        }
        guard spawned == 0 else { return 255 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 255 }
        }
        let signal = status & 0x7F
        if signal != 0 { return 128 + signal }
        return (status >> 8) & 0xFF
    }

    /// Replaces this process with itself under `OPENBLAS_CORETYPE=coreType`; returns only on failure.
    private static func reexecute(arguments: [String], environment: [String: String], coreType: String) {
        var environment = environment
        environment["OPENBLAS_CORETYPE"] = coreType
        environment[markerVariable] = coreType
        fflush(stdout)
        fflush(stderr)
        _ = withCStrings(arguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                execve("/proc/self/exe", argv, envp)
            }
        }
    }

    /// Calls `body` with a NULL-terminated C array of the strings (valid only during the call).
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return body(pointers + [nil])
    }
}
