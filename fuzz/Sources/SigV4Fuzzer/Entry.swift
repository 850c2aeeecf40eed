import FuzzSupport

/// libFuzzer's entry point: one input, read as an HTTP request, through the SigV4 parser and verifier.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let problem = SigV4FuzzHarness.run(fuzzInput(data, size)) { reportProblem(problem) }
    return 0
}
