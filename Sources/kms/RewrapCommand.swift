import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// `kms rewrap`: the same messages under other wrapping keys; the body is copied, not decrypted.
struct RewrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrap",
        abstract: "Re-wrap encrypted files' data keys under other keys, copying the encrypted body unchanged.",
        discussion: """
            Decrypts one wrapped data key (to verify the header and recompute its tag), wraps it under every \
            --to-key, and rewrites the header; the frames are copied as they are. Signed files get a new \
            signature (the old one is verified while the body is copied). Files are replaced in place unless \
            --output is given.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("to-key"), help: "Key id, ARN or alias to wrap the data key with (repeatable).") var toKeys: [String] = []
    @Option(name: .customLong("key"), help: "Only try data keys wrapped by this key ARN (repeatable).") var keys: [String] = []
    @Option(name: [.short, .long], help: "Output file (default: replace the input).") var output: String?
    @Flag(help: "Overwrite an existing --output file.") var force = false
    @Argument(help: "Encrypted files.") var inputs: [String] = []

    func validate() throws {
        if toKeys.isEmpty { throw ValidationError("give at least one --to-key") }
        if inputs.isEmpty { throw ValidationError("name at least one file") }
        if inputs.contains("-") { throw ValidationError("rewrap works on files, not standard input") }
        if output != nil && inputs.count > 1 { throw ValidationError("--output takes a single input") }
    }

    func run() async throws {
        let service = try connection.makeClient()
        let client = EnvelopeClient(provider: service, allowedKeyArns: keys)
        let destination = KMSKeyring(provider: service, keyIds: toKeys)
        let jobs = inputs.map { FileJob(input: $0, output: output ?? $0) }
        try await FileRunner.run(jobs, force: force || output == nil) { _, input, output, progress in
            _ = try await client.rewrap(input: input, output: output, to: destination, progress: progress)
        }
    }
}
