//! A blank window that says when its page has loaded and answered one IPC call.

#[tauri::command]
fn ready() {
    println!("ready");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("blank window");
}
