fn main() -> Result<(), graphgen::Error> {
    graphgen::compile(&["../spec/qrcodepin.yaml"])
}
