import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// `kms inspect`: what a message's header says, without any key.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an encrypted file's algorithm suite, message id, encryption context, wrapping keys and frame length (no key needed).")
    @Option(help: "Output format: table or json.") var output: OutputFormat = .table
    @OptionGroup var limits: ReaderLimitOptions
    @Argument(help: "Encrypted file, or - for standard input.") var file: String

    func run() async throws {
        let fd = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            Terminal.printError("kms: cannot open \(file): \(String(cString: strerror(errno)))")
            throw ExitCode(ExitCodes.ioError)
        }
        defer { if fd != 0 { close(fd) } }
        let header: MessageHeader
        do {
            (header, _) = try EnvelopeClient.readHeader(fd, limits: limits.envelopeLimits)
        } catch {
            Terminal.printError("kms: \(file): \(error)")
            throw ExitCode(FileRunner.exitCode(for: error))
        }
        let keys: [[String: Any]] = header.encryptedDataKeys.map { key in
            if let arn = key.kmsKeyArn { return ["providerId": key.providerId, "keyArn": arn] }
            return ["providerId": key.providerId, "providerInfo": Hex.encode(key.providerInfo)]
        }
        let json: [String: Any] = [
            "messageFormatVersion": Int(header.suite.messageVersion),
            "algorithmSuiteId": "0x" + Hex.encode(header.suite.idBytes),
            "algorithmSuite": header.suite.name,
            "signed": header.suite.isSigned,
            "committing": header.suite.isCommitting,
            "messageId": Hex.encode(header.messageId),
            "encryptionContext": header.context.dictionary,
            "encryptedDataKeys": keys,
            "frameLength": Int(header.frameLength),
        ]
        var rows: [[String]] = [
            ["Format", "version \(header.suite.messageVersion)"],
            ["Suite", "\(header.suite)"],
            ["MessageId", Hex.encode(header.messageId)],
            ["FrameLength", String(header.frameLength)],
        ]
        for (key, value) in header.context.pairs { rows.append(["Context", "\(key)=\(value)"]) }
        for key in header.encryptedDataKeys {
            rows.append(["WrappedBy", key.kmsKeyArn ?? "\(key.providerId) \(Hex.encode(key.providerInfo))"])
        }
        emitPairs(output, json: json, rows: rows)
    }
}

/// `kms rewrap`: the same messages under other wrapping keys; the body is copied, not decrypted.
struct RewrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrap",
        abstract: "Re-wrap encrypted files' data keys under other keys, copying the encrypted body unchanged.",
        discussion: """
            Decrypts one wrapped data key (the header's tag is keyed by the data key: it is needed to verify the \
            header and to recompute the tag), re-encrypts that wrapped key to every --to-key on the service \
            (ReEncrypt: the data key is not sent back), and rewrites the header; the frames are copied as they \
            are. Needs Decrypt and ReEncryptFrom on the old key and ReEncryptTo on the new ones. Signed files get a new \
            signature (the old one is verified while the body is copied). Files are replaced in place unless \
            --output is given. While copying, the body's frame structure is checked (sequence numbers, one final \
            frame no longer than the frame length, nothing after it but a signed message's signature): a file that \
            fails is refused (exit 65) and left as it was. Frame tags are not checked, since that means decrypting \
            the body: a frame whose bytes were changed passes rewrap (for an unsigned message) and is refused by \
            kms decrypt.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("to-key"), help: "Key id, ARN or alias to wrap the data key with (repeatable, at most 64 different ones).")
    var toKeys: [String] = []
    @Option(name: .customLong("key"), help: "Only try data keys wrapped by this key ARN (repeatable; a key ARN, as in decrypt).")
    var keys: [String] = []
    @Option(name: [.short, .long], help: "Output file (default: replace the input).") var output: String?
    @Flag(help: "Overwrite an existing --output file.") var force = false
    @Argument(help: "Encrypted files.") var inputs: [String] = []

    func validate() throws {
        if toKeys.isEmpty { throw ValidationError("give at least one --to-key") }
        let limit = EnvelopeLimits().maxEncryptedDataKeys
        if Set(toKeys).count > limit { throw ValidationError("at most \(limit) different --to-key values (the reader's limit)") }
        do { try KMSKeyring.checkAllowedKeyArns(keys) } catch { throw ValidationError("--key: \(error)") }
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
