//! The scripted model server of the real-CLI scenario, in its own process so that no driver
//! pays for it: answers every main request with one short text, prints its URL, and serves
//! until stdin closes.

use claude_wire::model_server::{ModelServer, Reply, Script};
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() {
    let script = Script::new().exhausted_reply(Reply::text("Hello from the benchmark."));
    let server = ModelServer::start(script)
        .await
        .expect("start the model server");
    println!("{}", server.url());
    let mut rest = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut rest).await;
    server.shutdown().await;
}
