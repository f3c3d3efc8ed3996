// Type declarations for `claude-wire/testing`: a scripted Messages API server on 127.0.0.1 to run
// the real Claude Code CLI against (deterministic, no tokens), builders for its replies, and an
// isolated CLI environment.

/** Kinds of request the server tells apart (only `main` consumes plain replies). */
export type RequestKind = 'main' | 'prompt_suggestion' | 'compact' | 'probe' | 'resend' | 'count_tokens' | 'other';

/** A scripted tool call. */
export type ScriptToolUse = { name: string; input?: unknown; id?: string };

/** A scripted thinking block: its text, or text and signature. */
export type ScriptThinking = string | { thinking: string; signature?: string };

/** One block of a multi-block reply. */
export type ScriptBlock =
    | { text: string }
    | { thinking: ScriptThinking }
    | { redacted_thinking: string }
    | { tool_use: ScriptToolUse };

/** Which requests a reply answers; every field given must match. */
export type ReplyWhen = {
    user_text_contains?: string;
    has_tool_result?: boolean;
    tool_result_contains?: string;
    model?: string;
    system_contains?: string;
    kind?: RequestKind;
    side?: boolean;
};

/** One reply of a script, in the server's JSON format (the builders below make the usual ones). */
export type Reply = {
    text?: string;
    thinking?: ScriptThinking;
    redacted_thinking?: string;
    tool_use?: ScriptToolUse;
    blocks?: ScriptBlock[];
    /** An HTTP error instead of a message: a status, or status with the error body's fields. */
    error?: number | { status: number; type?: string; message?: string; headers?: Record<string, string> };
    delay_ms?: number;
    delta_delay_ms?: number;
    chunk_chars?: number;
    stop_reason?: string;
    usage?: Record<string, unknown>;
    model?: string;
    id?: string;
    when?: ReplyWhen;
    /** Answer every matching request, not just the first. */
    repeat?: boolean;
};

/** A script: replies in order, or the object form with fallback replies. */
export type Script = Reply[] | { replies?: Reply[]; side_reply?: Reply; exhausted_reply?: Reply };

/** One request the server received. */
export type RecordedRequest = {
    index: number;
    method: string;
    path: string;
    /** `[name, value]` pairs, names lower-cased. */
    headers: [string, string][];
    body: unknown;
    kind: RequestKind;
    reply_index: number | null;
    received_after: { secs: number; nanos: number };
    outcome: 'pending' | 'completed' | 'disconnected';
};

/** Delay (in seconds) between the streamed events of a reply. */
type Pacing = { delay?: number };

/** A reply with one text block. */
export declare function text(content: string, options?: Pacing): Reply;
/** A reply with a thinking block, then optionally a text block. */
export declare function thinking(content: string, then?: string): Reply;
/** A reply that calls a tool, optionally after some text. */
export declare function toolUse(name: string, input: unknown, options?: Pacing & { id?: string; text?: string }): Reply;
/** A reply made of the given blocks, in order. */
export declare function blocks(content: ScriptBlock[], options?: Pacing): Reply;
/** The reply that delivers structured output (`outputFormat`). */
export declare function structuredOutput(value: unknown): Reply;
/** An HTTP error answer with the API's JSON error body. */
export declare function apiError(status: number, message?: string, type?: string): Reply;

/** A running scripted server; start it with `ModelServer.start`, stop it with `close()`. */
export declare class ModelServer implements AsyncDisposable {
    private constructor();
    /** Starts a server answering with `script`. */
    static start(script?: Script): Promise<ModelServer>;
    /** Base URL of the server (`http://127.0.0.1:<port>`). */
    readonly url: string;
    /** The JSON body of every conversation (`main`) request so far. */
    readonly requests: Record<string, unknown>[];
    /** Every request received, side requests included. */
    allRequests(): RecordedRequest[];
    /** Appends replies to the script. */
    push(...replies: Reply[]): void;
    /** Stops the server (requests stay readable). */
    close(): Promise<void>;
    /** Stops the server at the end of an `await using` scope. */
    [Symbol.asyncDispose](): Promise<void>;
}

/** Variables that run the CLI offline against `server`, with fresh state under `root` (a new temp dir by default). */
export declare function isolatedEnv(server: ModelServer | string, root?: string): Record<string, string>;

/** Path of the pinned Claude Code CLI (`$CLAUDE_WIRE_CLI` or the claude-wire cache), or `null`. */
export declare function pinnedCliPath(): string | null;

export {};
