//! Prints what one Readability port extracts from a page: the title on the first line, then
//! the text; and the time the extraction took on stderr (median of five runs, in ms).

use std::time::Instant;

fn extract(port: &str, html: &str, url: &str) -> Result<(String, String), String> {
    match port {
        "dom_smoothie" => {
            let mut r = dom_smoothie::Readability::new(html, Some(url), None)
                .map_err(|e| e.to_string())?;
            let a = r.parse().map_err(|e| e.to_string())?;
            Ok((a.title, a.text_content.to_string()))
        }
        "legible" => {
            let a = legible::parse(html, Some(url), None).map_err(|e| format!("{e:?}"))?;
            Ok((a.title, a.text_content))
        }
        "readabilityrs" => {
            let r = readabilityrs::Readability::new(html, Some(url), None)
                .map_err(|e| format!("{e:?}"))?;
            let a = r.parse().ok_or("no article")?;
            Ok((a.title.unwrap_or_default(), a.text_content.unwrap_or_default()))
        }
        other => Err(format!("unknown port {other}")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (port, file, url) = (&args[1], &args[2], &args[3]);
    let bytes = std::fs::read(file).expect("read the page");
    let (html, _, _) = encoding_rs_decode(&bytes);
    let mut times = Vec::new();
    let mut out = Err(String::new());
    for _ in 0..5 {
        let start = Instant::now();
        out = extract(port, &html, url);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    eprintln!("{:.2}", times[2]);
    match out {
        Ok((title, text)) => println!("{title}\n{text}"),
        Err(e) => {
            eprintln!("{port}: {e}");
            std::process::exit(1);
        }
    }
}

/// The fixtures are UTF-8 except the legacy ones, which the script converts first.
fn encoding_rs_decode(bytes: &[u8]) -> (String, (), ()) {
    (String::from_utf8_lossy(bytes).into_owned(), (), ())
}
