import FuzzSupport

/// The harness (an in-memory service with its keys), made on first use.
let harness = runBlocking { try! await CiphertextBlobFuzzHarness.make() }

/// libFuzzer's entry point: one input through the blob parser and Decrypt.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    if let problem = runBlocking({ await harness.run(bytes) }) { reportProblem(problem) }
    return 0
}
