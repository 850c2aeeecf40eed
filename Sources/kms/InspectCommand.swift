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
            (header, _) = try EnvelopeClient.readHeader(fd)
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
